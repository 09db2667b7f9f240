/// What is known about one process: the values of `df.ctx[...]` keys.
public struct ProcessMetadata: Sendable, Hashable {
    public var pid: UInt32
    /// The command line, arguments separated by spaces.
    public var cmdline: String
    /// The executable's name (`/proc/<pid>/comm`).
    public var executable: String
    public var hostname: String
    /// The container id from the cgroup path, or empty outside containers.
    public var containerID: String
    /// The container name (its id outside Kubernetes).
    public var containerName: String
    /// Kubernetes service; outside Kubernetes the executable's name.
    public var service: String
    /// Kubernetes pod; outside Kubernetes the container id, else `<executable>-<pid>`.
    public var pod: String
    /// Kubernetes namespace; outside Kubernetes the host name.
    public var namespace: String
    /// Kubernetes node; outside Kubernetes the host name.
    public var node: String

    public init(pid: UInt32, cmdline: String, executable: String, hostname: String, containerID: String = "",
                containerName: String? = nil, service: String? = nil, pod: String? = nil,
                namespace: String? = nil, node: String? = nil) {
        self.pid = pid
        self.cmdline = cmdline
        self.executable = executable
        self.hostname = hostname
        self.containerID = containerID
        self.containerName = containerName ?? containerID
        self.service = service ?? executable
        self.pod = pod ?? (containerID.isEmpty ? "\(executable)-\(pid)" : containerID)
        self.namespace = namespace ?? hostname
        self.node = node ?? hostname
    }
}
