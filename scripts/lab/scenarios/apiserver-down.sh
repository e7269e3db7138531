# The API server is not running: registration, node lease and watches all get connection refused.
DESCRIPTION="the API server is down: the kubelet cannot register (connection refused)"
CAUSE=apiserver-unreachable
NEEDS_API=0
WAIT_FOR='Unable to register node|Attempting to register node'
SETTLE=20
