# /etc/cni/net.d is empty: no network plugin was installed.
DESCRIPTION="no CNI config in /etc/cni/net.d: the runtime network is not ready and the node stays NotReady"
CAUSE=cni-config-missing
WAIT_FOR='NetworkReady=false|cni plugin not initialized|network plugin is not ready'
SETTLE=20
inject() { rm -f /etc/cni/net.d/*; }
