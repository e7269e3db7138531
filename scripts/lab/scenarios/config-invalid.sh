# The KubeletConfiguration is not valid YAML (a tab-indented line pasted in by hand).
DESCRIPTION="the KubeletConfiguration file is not valid YAML: the kubelet exits"
CAUSE=config-file-invalid
NEEDS_API=0
inject() { printf 'evictionHard:\n\tmemory.available: "100Mi"\n' >>/var/lib/kubelet/config.yaml; }
