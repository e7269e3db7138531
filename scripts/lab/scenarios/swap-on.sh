# Swap is on (a swap file, swapon) and failSwapOn keeps its default true.
DESCRIPTION="swap is on (a swap file activated with swapon) while failSwapOn is true: the kubelet exits"
CAUSE=swap-enabled
NEEDS_API=0
SWAPFILE=
inject() {
  SWAPFILE=$RUN/swapfile
  dd if=/dev/zero of="$SWAPFILE" bs=1M count=64 status=none
  chmod 600 "$SWAPFILE"
  mkswap "$SWAPFILE" >/dev/null
  swapon "$SWAPFILE" || { log "swapon refused by this kernel"; echo "swapon refused" >"$RUN/sandbox-stop"; }
}
# swap is the machine's: turn it off again as soon as the run ends
scenario_cleanup() { [ -n "$SWAPFILE" ] && swapoff "$SWAPFILE" 2>/dev/null; true; }
