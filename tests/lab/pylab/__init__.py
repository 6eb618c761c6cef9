"""lbscope lab, network side: namespaces, node views, keepalived, kube-proxy rules, pods, sshd.

Used only by tests/lab/lab. Standard library only (Debian's python3); it drives
iproute2, iptables, keepalived, sshd and socat and never touches the host's own
network namespace.
"""
