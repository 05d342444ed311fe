# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The connection options shared by every tencent.cloud module.
    DOCUMENTATION = r"""
options:
  secret_id:
    description:
      - The SecretId of a Tencent Cloud API key (CAM), usually starting with C(AKID).
      - If not set, the environment variable E(TENCENTCLOUD_SECRET_ID) is used (an empty value counts as unset).
      - If neither is set, the credentials come from the next source of the credential chain (see the notes).
        Setting only one of O(secret_id) and O(secret_key) is an error, not a fall-through.
      - Like O(secret_key) and O(session_token), it must not have white space (such as the trailing newline of a YAML block
        scalar) at its start or end, control characters or characters outside Latin-1; the task fails before any call,
        naming the option but never showing the value.
    type: str
  secret_key:
    description:
      - The SecretKey belonging to O(secret_id). Never printed, logged or returned.
      - If not set, the environment variable E(TENCENTCLOUD_SECRET_KEY) is used (an empty value counts as unset).
    type: str
  session_token:
    description:
      - The token of temporary credentials (STS or CVM role); sent as C(X-TC-Token). Never printed, logged or returned.
      - If not set, E(TENCENTCLOUD_TOKEN) or else E(TENCENTCLOUD_SECURITY_TOKEN) is used (empty values count as unset).
      - Only used with O(secret_id) and O(secret_key); a token without them is an error.
    type: str
    aliases: [token, security_token]
  profile:
    description:
      - The tccli profile whose credentials to use when O(secret_id) and O(secret_key) are not set (in the options or the
        environment), that is the JSON file C(<shared_credentials_dir>/<profile>.credential) written by C(tccli configure),
        with C(secretId), C(secretKey) and optionally C(token), C(role-arn) and C(role-session-name).
      - If not set, E(TENCENTCLOUD_PROFILE) or else E(TCCLI_PROFILE) is used, else the profile C(default).
      - A profile that is named (here or in the environment) must exist and hold C(secretId) and C(secretKey), or the task
        fails; so must the C(default) profile when O(shared_credentials_dir) is set. Otherwise the C(default) profile is
        skipped when its file does not exist or holds no C(secretId) and C(secretKey).
    type: str
  shared_credentials_dir:
    description:
      - The directory of tccli's profile files.
      - If not set, E(TENCENTCLOUD_SHARED_CREDENTIALS_DIR) is used, else C(~/.tccli) (of the user running the module).
      - Setting it (here or in the environment) asks for a profile from it, as naming O(profile) does, so the profile's
        file (C(default) unless O(profile) names another) must exist there and hold C(secretId) and C(secretKey), or the
        task fails; it is not skipped.
    type: path
  cvm_role:
    description:
      - On a Tencent Cloud CVM instance, the name of the CAM role bound to the instance, whose temporary credentials are
        fetched from the instance metadata service (see O(metadata_url)) and fetched again before they expire.
      - V(auto) uses whichever role is bound to the instance.
      - Used only when no source before it in the credential chain gives credentials (see the notes).
      - If not set, E(TENCENTCLOUD_CAM_ROLE_NAME) is used. If neither is set, the metadata service is never asked.
    type: str
  role_arn:
    description:
      - A CAM role to assume with STS C(AssumeRole) on top of the credentials found, for example
        C(qcs::cam::uin/100000000001:roleName/live-operator). The task then signs with the role's temporary credentials,
        which are renewed before they expire.
      - If not set, E(TENCENTCLOUD_ROLE_ARN) or else E(TENCENTCLOUD_ASSUME_ROLE_ARN) is used, else the C(role-arn) of the
        tccli profile file (or the C(role_arn) of the SDK credentials file) that gave the credentials.
    type: str
  role_session_name:
    description:
      - The session name for O(role_arn), shown in CloudAudit (2 to 128 letters, digits and C(+=,.@_-)).
      - If not set, E(TENCENTCLOUD_ROLE_SESSION_NAME) or else E(TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME) is used, else the
        C(role-session-name) of the tccli profile file (or the C(role_session_name) of the SDK credentials file) that gave
        the credentials, else V(ansible-tencent-cloud).
    type: str
  role_duration:
    description:
      - How long, in seconds, the credentials of O(role_arn) are valid (900 to 43200, and at most the role's maximum
        session duration). They are renewed 5 minutes before they expire, so this is not a limit on the task's length.
      - If not set, E(TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION) is used, else the default.
    type: int
    default: 7200
  sts_endpoint:
    description:
      - The STS endpoint for O(role_arn), as a host name or an C(https://) URL without a path; the signature's
        service name is C(sts) whatever the host is.
      - C(http://) is accepted only for this machine (C(127.0.0.0/8), C(::1), C(localhost)), as for O(endpoint).
      - If not set, E(TENCENTCLOUD_STS_ENDPOINT) is used, else the default.
    type: str
    default: https://sts.tencentcloudapi.com
  metadata_url:
    description:
      - The base URL of the CVM instance metadata service for O(cvm_role), without a path. Never reached through a proxy.
      - Unlike O(endpoint), plain C(http://) is accepted for any host here, because Tencent serves the metadata service only
        over plain HTTP, from inside the instance's own network.
      - If not set, E(TENCENTCLOUD_METADATA_URL) is used, else the default.
    type: str
    default: http://metadata.tencentyun.com
  region:
    description:
      - A Tencent Cloud region such as C(ap-guangzhou), sent as C(X-TC-Region).
      - The Live stream calls do not need one, so nothing is sent unless this is set.
      - If not set, the environment variable E(TENCENTCLOUD_REGION) is used.
    type: str
  endpoint:
    description:
      - The Live API endpoint, as a host name or an C(http://) or C(https://) URL without a path.
      - Use C(live.intl.tencentcloudapi.com) for the international site, or C(http://127.0.0.1:PORT) for a local emulator.
      - Plain C(http://) is accepted only for this machine (C(127.0.0.0/8), C(::1), C(localhost)); anywhere else the token and
        the signed requests would travel in clear text, so use C(https://), with O(ca_path) for a private CA.
      - If not set, the environment variable E(TENCENTCLOUD_LIVE_ENDPOINT) is used, else the default.
      - The signature's service name is C(live) whatever the host is.
    type: str
    default: https://live.tencentcloudapi.com
  timeout:
    description:
      - The longest one HTTP exchange may take, in seconds of wall time, more than 0 and at most 600 -- name resolution,
        connecting, sending and receiving the whole answer, whatever pace the endpoint answers at (an endpoint that
        sends one byte a second is cut off all the same). This applies to the metadata service and STS too, over HTTP
        and HTTPS, directly or through an HTTP or HTTPS proxy (its CONNECT tunnel included), on a new connection or a
        reused one.
      - Through a SOCKS proxy (a C(socks5://) or C(socks4://) URL in C(ALL_PROXY) or C(HTTPS_PROXY)) only each network
        operation is bounded -- connecting, and each read of the answer, within O(timeout) -- not the whole exchange;
        an endpoint that keeps sending slowly holds the call until its answer is complete, and a stop or
        O(task_timeout) takes effect after it. Use an HTTP or HTTPS proxy where that matters.
      - So one attempt of a call takes at most O(timeout), and one API call at most O(timeout) x (O(retries) + 1) plus
        the waits between attempts -- and never longer than O(task_timeout) allows.
    type: float
    default: 10
  retries:
    description:
      - How many times one API call is retried after a transport fault (refused, reset, timed out, HTTP 429 or 5xx, an
        answer that is not Tencent's envelope) or a passing Tencent error such as C(InternalError). A TLS failure (the
        certificate, the handshake) of an API call is final. A write is first settled by reading the stream's state, never
        sent again blindly (see R(the failure behaviour guide,ansible_collections.tencent.cloud.docsite.failure_behaviour)).
      - Waits between attempts grow exponentially with jitter, capped at 5 seconds. V(0) disables retries; at most V(50).
      - Throttled calls (C(RequestLimitExceeded)) were not carried out and do not use this budget; they are sent again
        at the adapted rate until O(task_timeout) runs out.
      - No retry starts after O(task_timeout), and none after the task was stopped; the call's own error stands.
    type: int
    default: 5
  task_timeout:
    description:
      - The longest the task may run, in seconds, counted from the start of the module's process (at most 86400, a
        day).
      - Nothing starts after it -- no API call, no retry, no wait between attempts, no read that settles a write, no
        poll of O(tencent.cloud.tencent_live_stream_info#module:wait_for), no fetch of temporary credentials from STS or
        the CVM metadata service -- and a wait that would end after it ends at once. A call on the wire at that moment
        is cut there (Tencent may still carry out a write it received) and is not tried again. So a task ends at
        O(task_timeout) (through a SOCKS proxy, see O(timeout)).
      - The streams of a batch that were not done by then are reported as not attempted, with the reason, and a re-run
        does them; a stream whose call Tencent was still throttling then fails with the throttling code (that call was
        not carried out either); a write whose answer was lost and that no read could settle in time is reported with
        an unknown outcome (see the module's C(failure.kind)).
      - Throttled calls are sent again, at the rate the task has slowed down to, until this runs out.
      - Stopping the task in other ways (AWX's cancel, the C(timeout) task keyword, a signal) is described in
        R(Stopping a job,ansible_collections.tencent.cloud.docsite.failure_behaviour.stopping).
    type: float
    default: 3600
  max_transport_failures:
    description:
      - A batch stops starting streams after this many streams in a row failed without a valid answer from the
        endpoint (refused, reset, timed out, HTTP 5xx, after their O(retries)). The endpoint is then down or unreachable,
        and every stream would fail alike. The streams not started are reported as not attempted, with the reason.
      - V(0) never stops.
    type: int
    default: 10
  language:
    description:
      - The language of Tencent's error messages (the C(X-TC-Language) header). Decisions are made on error codes
        only, never on messages.
    type: str
    choices: [en-US, zh-CN]
    default: en-US
  validate_certs:
    description:
      - Whether to verify the TLS certificates of the endpoint, of STS (O(sts_endpoint)) and of the CVM metadata service
        (O(metadata_url), when it is C(https://)). Set V(false) only for test endpoints; the task then warns, naming all three.
      - The proxy environment variables E(HTTPS_PROXY), E(HTTP_PROXY), E(ALL_PROXY) (and their lower-case forms) and
        E(NO_PROXY) are honoured for the endpoint and STS, and so are E(REQUESTS_CA_BUNDLE) and E(CURL_CA_BUNDLE) when
        O(ca_path) is not set. C(~/.netrc) is never used, because its credentials would replace the request signature.
      - A proxy URL that a call would go through and that cannot be parsed fails the task before any call, naming its
        variable, never its value. A proxy's user name and password never appear in a message; write the reserved
        characters in them percent-encoded (C(#) as C(%23), C(@) as C(%40)).
    type: bool
    default: true
  ca_path:
    description:
      - A PEM CA bundle used to verify the endpoint's certificate instead of the system store, for a private CA or a
        TLS-inspecting proxy. It must exist and be readable.
      - If not set, E(TENCENTCLOUD_CA_PATH) is used (the AWX credential type injects it), else E(REQUESTS_CA_BUNDLE) or
        E(CURL_CA_BUNDLE). E(TENCENTCLOUD_CA_PATH) applies to this collection only; the other two to every tool that
        honours them.
      - It is loaded once per task and shared by all the task's connections, however many a batch opens.
    type: path
  rate_limits:
    description:
      - Requests per second allowed per API action (the account's quota), for accounts whose quotas differ from
        Tencent's defaults.
      - A task never starts more than a quota in any one-second window (a quota under 1 allows one call in any
        1/quota seconds, for example one in 4 seconds at 0.25); when Tencent throttles it (other jobs or tools
        use the same account's quota), it slows down and probes back up, so tasks sharing a quota settle on a fair share
        of it. R(The performance guide,ansible_collections.tencent.cloud.docsite.performance) describes how.
      - Keys are action names, for example C(ResumeLiveStream); values are numbers greater than 0 and at most 100000.
      - Defaults are the documented quotas, C(DescribeLiveStreamState=300), C(ResumeLiveStream=100),
        C(ForbidLiveStream=200), C(DropLiveStream=100), C(DescribeLiveStreamOnlineList=80),
        C(DescribeLiveStreamPublishedList=300) (from Tencent's Live API category table; the action's own page gives
        none), and for the callback and snapshot template and rule actions C(CreateLiveCallbackTemplate=200) and every
        other Create, Modify or Delete 200, C(DescribeLiveCallbackTemplates=500) and every other Describe 500.
    type: dict
notes:
  - "Credentials come from the first source that gives a SecretId and a SecretKey, in this order: the options
    O(secret_id), O(secret_key) and O(session_token); the environment; a tccli profile (O(profile)); the SDK credentials
    file; a CVM instance role (O(cvm_role)). With O(role_arn), STS C(AssumeRole) is called on top. A source that gives
    half a pair fails the task rather than fall through to another account's key. R(The credentials
    guide,ansible_collections.tencent.cloud.docsite.credentials) has the details."
  - Every result has C(credential_source), saying which source gave the credentials (for example C(environment) or
    C(profile default)), so a job that forgot its AWX credential and used a file on the execution node shows it.
  - AWX has no built-in Tencent Cloud credential type; the collection ships one, see
    R(the AWX guide,ansible_collections.tencent.cloud.docsite.awx).
  - All tencent.cloud modules are in the action group C(tencent.cloud.all), so the connection options can be
    set once with C(module_defaults) and C(group/tencent.cloud.all).
  - The calls are signed with TC3-HMAC-SHA256; the signature date is always the UTC date.
requirements:
  - requests
"""
