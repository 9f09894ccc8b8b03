// `berthd --help`. Kept by hand rather than generated so each line can say what matters.
export const DAEMON_HELP = `Usage:  berthd [OPTIONS]

A container engine daemon that serves the Docker Engine API.

Options:
      --add-runtime NAME=PATH       Register an OCI runtime (repeatable); runc is built in, and crun
                                    when it is installed
      --authz-policy string         Authorization policy file: who may do what through the API
                                    (default: none, everyone who can connect is root)
      --bip string                  Bridge IP address with prefix length, e.g. 172.18.0.1/16
  -b, --bridge string               The default bridge's name, or "none" for no default bridge
                                    (containers then default to network none) (default "berth0")
      --config-file string          Daemon configuration file (default "/etc/berth/daemon.json")
      --data-root string            Root directory of persistent state (default "/var/lib/berth")
  -D, --debug                       Enable debug mode (log level "debug" unless --log-level is given)
      --default-address-pool base=CIDR,size=N
                                    Where new networks' subnets come from (repeatable; default
                                    172.17-31.0.0/16, then /20s of 192.168.0.0/16)
      --default-runtime string      Default OCI runtime for containers (default "runc")
      --dns list                    DNS server for containers (repeatable; IP addresses)
      --dns-opt list                DNS options for containers (repeatable)
      --dns-search list             DNS search domains for containers (repeatable)
      --exec-root string            Root directory of execution state (default "/run/berth")
      --experimental                Enable experimental features
      --fixed-cidr string           IPv4 subnet within the bridge's that containers get addresses from
  -G, --group string                Group owning the unix socket (default "berth")
  -h, --help                        Print this help and exit
  -H, --host list                   Address to listen on: unix:///path or tcp://host:port (repeatable)
      --icc                         Containers on the default bridge may talk to each other (default true)
      --insecure-registry list      Registry (host:port or CIDR) reached without TLS checks (repeatable)
      --ip-masq                     Masquerade traffic from the default bridge's subnet (default true)
      --iptables                    Manage iptables rules for container networking (default true)
      --live-restore                Keep containers running while the daemon is down (default true)
      --log-driver string           Default logging driver for containers: json-file, local or none
                                    (default "json-file")
  -l, --log-level string            Log level: debug, info, warn, error or fatal (default "info")
      --log-opt KEY=VALUE           Default logging driver option (repeatable); json-file rotates at
                                    max-size=10m, max-file=3 unless told otherwise
      --mtu int                     The default bridge's MTU (default 1500)
      --pidfile string              Path of the daemon's PID file (default "/run/berth/berthd.pid")
      --registry-mirror list        Preferred registry mirror, an http(s) URL (repeatable)
  -s, --storage-driver string       Storage driver to use
      --tls                         Use TLS; implied by --tlsverify
      --tlscacert string            Trust certs signed only by this CA (default "~/.docker/ca.pem")
      --tlscert string              Path to the TLS certificate file (default "~/.docker/cert.pem")
      --tlskey string               Path to the TLS key file (default "~/.docker/key.pem")
      --tlsverify                   Use TLS and require client certificates signed by the CA
      --validate                    Check the configuration, then exit
  -v, --version                     Print version information and exit

Boolean flags take an optional value: --live-restore=false.
Settings in daemon.json use the same names (plural for lists: "hosts", "dns", "log-opts",
"registry-mirrors", "insecure-registries", "default-address-pools": [{"base": CIDR, "size": N}]; --add-runtime is "runtimes": {"NAME": {"path": PATH,
"runtimeArgs": [...]}}); a setting may not be given both ways, except runtimes, which add up.
`;
