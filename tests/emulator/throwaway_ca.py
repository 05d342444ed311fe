# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A throwaway CA and a certificate it issued for 127.0.0.1 and localhost, for the emulator over HTTPS
(its --tls-cert) and the clients that trust it (the modules' ca_path). Made with trustme, a test
requirement: the emulator itself stays standard library only.

    python3 tests/emulator/throwaway_ca.py DIR    # writes DIR/ca.pem and DIR/server.pem (certificate and key)

tests/conftest.py (live_api_tls), the stop tests, the benchmark's HTTPS runs and hack/emulator.sh
(EMULATOR_SCHEME=https) all make theirs here.
"""

import os
import sys


def tls_files(directory):
    """Write a new CA (ca.pem) and its certificate for 127.0.0.1 and localhost with the key (server.pem) to
    directory; returns (CA file, certificate-and-key file)."""
    import trustme  # pylint: disable=import-outside-toplevel  # only where HTTPS is wanted

    authority = trustme.CA()
    ca_path, cert_path = os.path.join(directory, "ca.pem"), os.path.join(directory, "server.pem")
    authority.cert_pem.write_to_path(ca_path)
    authority.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(cert_path)
    return ca_path, cert_path


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: throwaway_ca.py DIR")
    tls_files(sys.argv[1])
