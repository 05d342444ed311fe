# -*- coding: utf-8 -*-
# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run a module's main() in-process with given arguments and return its JSON result."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

TENCENT_ENVIRONMENT = ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_TOKEN", "TENCENTCLOUD_SECURITY_TOKEN",
                       "TENCENTCLOUD_REGION", "TENCENTCLOUD_LIVE_ENDPOINT")


@pytest.fixture(autouse=True)
def no_tencent_environment(monkeypatch):
    for name in TENCENT_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def run_module(monkeypatch, capsys):
    """run_module(main, args, check_mode=False, diff=False) -> the module's result dict."""

    def run(main, args, check_mode=False, diff=False):
        module_args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
        try:
            from ansible.module_utils.testing import patch_module_args
        except ImportError:  # ansible-core < 2.19
            patch_module_args = None
        with pytest.raises(SystemExit):
            if patch_module_args:
                with patch_module_args(module_args):
                    main()
            else:
                monkeypatch.setattr(basic, "_ANSIBLE_ARGS", to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": module_args})))
                main()
        return json.loads(capsys.readouterr().out)

    return run
