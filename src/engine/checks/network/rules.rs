//! The findings of the `network` checks, with the words a user reads.

const CWE_306: &str = "https://cwe.mitre.org/data/definitions/306.html";
const REDIS_SECURITY: &str =
    "https://redis.io/docs/latest/operate/oss_and_stack/management/security/";
const MEMCACHED_SECURITY: &str = "https://github.com/memcached/memcached/wiki/ConfiguringServer";
const MONGO_CHECKLIST: &str =
    "https://www.mongodb.com/docs/manual/administration/security-checklist/";
const ES_SECURITY: &str = "https://www.elastic.co/guide/en/elasticsearch/reference/current/manually-configure-security.html";
const OPENSEARCH_SECURITY: &str = "https://opensearch.org/docs/latest/security/";
const DOCKER_SOCKET: &str = "https://docs.docker.com/engine/security/protect-access/";
const K8S_CONTROL_PLANE: &str = "https://kubernetes.io/docs/concepts/security/controlling-access/";
const KUBELET_AUTH: &str =
    "https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/";
const ETCD_SECURITY: &str = "https://etcd.io/docs/latest/op-guide/security/";
const PROMETHEUS_SECURITY: &str = "https://prometheus.io/docs/operating/security/";
const SSH_HARDENING: &str = "https://www.openssh.com/security.html";
const FTP_TLS: &str = "https://datatracker.ietf.org/doc/html/rfc4217";

rule!(
    REDIS_OPEN,
    "network.redis-unauthenticated",
    Critical,
    Some(306),
    "Redis answers without a password",
    "Redis on this host answered PING from the internet without asking for a password. Anyone can read, change and delete every key (sessions, queues, cached user data), and an attacker who can run CONFIG or MODULE commands can usually write files on the server and take it over. Scanners find such servers within hours.",
    "Take Redis off the internet: bind it to a private interface (`bind 127.0.0.1 -::1`, or the private address the application uses, in redis.conf) and block port 6379 in the firewall or security group. Also require authentication (`requirepass`, or ACL users with `user default off`) and keep `protected-mode yes`.",
    [REDIS_SECURITY, CWE_306]
);
rule!(
    REDIS_REACHABLE,
    "network.redis-reachable",
    Low,
    Some(668),
    "Redis is reachable from the internet (it asks for a password)",
    "Redis on this host accepts connections from the internet but refused to answer without a password (or because of protected mode). Data is not readable without the password, but the port invites password guessing and exposes Redis to any pre-authentication flaw; a database rarely needs to be reachable from everywhere.",
    "Bind Redis to a private interface and allow port 6379 only from the application servers (firewall or security group rules). Keep the password strong and random.",
    [REDIS_SECURITY]
);
rule!(
    MEMCACHED_OPEN,
    "network.memcached-exposed",
    High,
    Some(306),
    "Memcached answers anyone from the internet",
    "Memcached on this host answered the `stats` command from the internet. Memcached's text protocol has no authentication by default, so anyone can read cached data (sessions, rendered pages, tokens), overwrite it to poison what the application serves, or flush it; with UDP enabled it is also used to amplify denial-of-service attacks.",
    "Bind memcached to a private interface (`-l 127.0.0.1` or the private address) and block port 11211 (TCP and UDP) in the firewall; disable UDP with `-U 0`. If clients must come over a network you do not control, enable SASL (`-S`) or TLS with client certificates.",
    [MEMCACHED_SECURITY, CWE_306]
);
rule!(
    MONGODB_OPEN,
    "network.mongodb-exposed",
    High,
    Some(668),
    "MongoDB is reachable from the internet",
    "MongoDB on this host answered the `isMaster` handshake from the internet. Palisade only read the handshake and the build information (both answer without a login), so it did not prove whether authentication is on; if it is off, anyone can read and delete every database, and exposed MongoDB servers are routinely wiped and held for ransom. Even with authentication, the port invites password guessing.",
    "Bind MongoDB to a private interface (`net.bindIp: 127.0.0.1,<private address>` in mongod.conf) and allow port 27017 only from the application servers. Make sure access control is on (`security.authorization: enabled`) with a strong password for every user.",
    [MONGO_CHECKLIST]
);
rule!(
    ELASTIC_OPEN,
    "network.elasticsearch-unauthenticated",
    High,
    Some(306),
    "Elasticsearch answers without authentication",
    "The search cluster on this host answered its root endpoint from the internet without credentials, so its security features are off: anyone can list the indices, read every document and delete them. Open clusters are a common source of large data leaks.",
    "Turn on security (`xpack.security.enabled: true` for Elasticsearch, the security plugin for OpenSearch) with passwords for every user, and bind the HTTP port to a private interface or allow port 9200 only from the application servers.",
    [ES_SECURITY, OPENSEARCH_SECURITY, CWE_306]
);
rule!(
    DOCKER_OPEN,
    "network.docker-api-exposed",
    Critical,
    Some(306),
    "The Docker Engine API is open to the internet",
    "The Docker daemon on this host answered its API from the internet without a client certificate. Anyone can start a privileged container that mounts the host's disk, which is full control of the machine (root). Attackers scan for this port to install cryptominers.",
    "Stop the daemon listening on TCP (`-H tcp://0.0.0.0:2375` in the service or daemon.json `hosts`); use the local socket, or SSH (`DOCKER_HOST=ssh://user@host`). If TCP is needed, use port 2376 with `--tlsverify` and client certificates, and firewall it.",
    [DOCKER_SOCKET, CWE_306]
);
rule!(
    KUBERNETES_API,
    "network.kubernetes-api-exposed",
    Medium,
    Some(668),
    "The Kubernetes API server is reachable from the internet",
    "The Kubernetes API server of this host answered from the internet and named its version. Every request still needs credentials (unless anonymous access was widened), but the control plane of the cluster is exposed to password and token guessing and to any flaw in the API server.",
    "Make the API endpoint private (a private cluster endpoint, or authorized networks / source-IP allow lists on the load balancer), reach it over a VPN or bastion, keep `--anonymous-auth` limited to health checks, and keep the control plane patched.",
    [K8S_CONTROL_PLANE]
);
rule!(
    KUBELET_OPEN,
    "network.kubelet-unauthenticated",
    Critical,
    Some(306),
    "The kubelet API answers without authentication",
    "The kubelet on this host listed its pods to an anonymous request from the internet. The same API runs commands in containers (`/exec`, `/run`), so anyone can take over the node's workloads and read the secrets mounted into them.",
    "Start the kubelet with `--anonymous-auth=false` and `--authorization-mode=Webhook` (in the KubeletConfiguration: `authentication.anonymous.enabled: false`, `authorization.mode: Webhook`), turn off the read-only port (`readOnlyPort: 0`), and firewall ports 10250 and 10255 to the control plane.",
    [KUBELET_AUTH, CWE_306]
);
rule!(
    ETCD_OPEN,
    "network.etcd-exposed",
    High,
    Some(306),
    "etcd answers from the internet without a client certificate",
    "etcd on this host answered its version endpoint from the internet without asking for a client certificate. Unless etcd's own user authentication is on, anyone can read and change every key; in a Kubernetes cluster that is every Secret and the whole cluster state.",
    "Require client certificates (`--client-cert-auth=true` with `--trusted-ca-file`), serve clients over TLS only, and allow port 2379 only from the API servers.",
    [ETCD_SECURITY, CWE_306]
);
rule!(
    PROMETHEUS_OPEN,
    "network.prometheus-exposed",
    Medium,
    Some(200),
    "Prometheus is open to the internet",
    "Prometheus on this host answered its API from the internet without credentials. Anyone can query every metric it collects (host names, internal addresses, request paths, business figures) and see the list of internal targets it scrapes, a map of the infrastructure.",
    "Put Prometheus behind authentication (the `basic_auth_users` of its web configuration, or a reverse proxy with SSO), or make it reachable only from the internal network.",
    [PROMETHEUS_SECURITY]
);
rule!(
    SSH_OPEN,
    "network.ssh-exposed",
    Info,
    None,
    "SSH is reachable from the internet",
    "An SSH server on this host accepts connections from the internet and names its software and version in its banner. That is normal for servers managed over SSH; the version helps an attacker pick known flaws, and the port receives constant password guessing.",
    "Allow only key-based logins (`PasswordAuthentication no`), keep OpenSSH updated, and where possible allow port 22 only from known addresses or a VPN.",
    [SSH_HARDENING]
);
rule!(
    FTP_OPEN,
    "network.ftp-exposed",
    Info,
    Some(319),
    "FTP is reachable from the internet",
    "An FTP server on this host accepts connections from the internet. Plain FTP sends user names, passwords and files in clear text, readable by anyone on the path.",
    "Replace FTP with SFTP (over SSH) or HTTPS uploads. If FTP must stay, require TLS (FTPS: `ssl_enable=YES` and `force_local_logins_ssl=YES` in vsftpd, `TLSRequired on` in ProFTPD) and disable anonymous logins.",
    [FTP_TLS]
);
