# The client certificate's CN names another node (kubelet.conf copied from another machine): NodeRestriction
# refuses to let it create or update this node.
DESCRIPTION="the client certificate is system:node:lab-other-node on lab-node: the Node authorizer and NodeRestriction refuse"
CAUSE=node-cert-cn-mismatch
WAIT_FOR='forbidden|not allowed'
SETTLE=15
inject() { install_node_client node-other; }
