import SpriteStore

/// Process metadata functions (`upid_to_*`), backed by the query's ``MetadataProvider``.
extension FunctionRegistry {
    static func upidString(_ name: String, _ semantic: SemanticType, _ doc: String,
                           _ field: @escaping @Sendable (ProcessMetadata) -> String) -> ScalarFunction {
        ScalarFunction(name: name, documentation: doc, overloads: [
            ScalarOverload([.uint128], .string, semantic: .fixed(semantic)) { (call) throws(EngineError) in
                let a = Arg<UInt128>(call.args[0])
                var cache: [UInt128: String] = [:]
                let provider = call.context.metadata
                return try Kernels.rowwiseString(call) { i, out in
                    let u = a[i]
                    if let s = cache[u] { out.append(contentsOf: s.utf8); return }
                    let s = field(provider.metadata(forUPID: u))
                    cache[u] = s
                    out.append(contentsOf: s.utf8)
                }
            },
        ])
    }

    static var metadataFunctions: [ScalarFunction] {
        [
            ScalarFunction(name: "upid_to_pid", documentation: "The process id in a UPID.", overloads: [
                ScalarOverload([.uint128], .int64) { (call) throws(EngineError) in try Kernels.unary(call) { (u: UInt128) in Int64(UPID(u).pid) } },
            ]),
            ScalarFunction(name: "upid_to_asid", documentation: "The agent short id in a UPID.", overloads: [
                ScalarOverload([.uint128], .int64, semantic: .fixed(.asid)) { (call) throws(EngineError) in try Kernels.unary(call) { (u: UInt128) in Int64(UPID(u).asid) } },
            ]),
            ScalarFunction(name: "upid_to_string", documentation: "A UPID as text.", overloads: [
                ScalarOverload([.uint128], .string) { (call) throws(EngineError) in
                    let a = Arg<UInt128>(call.args[0])
                    return try Kernels.rowwiseString(call) { i, out in out.append(contentsOf: UPID.format(a[i]).utf8) }
                },
            ]),
            upidString("upid_to_cmdline", .none, "The process's command line.") { $0.cmdline },
            upidString("upid_to_hostname", .nodeName, "The host the process runs on.") { $0.hostname },
            upidString("upid_to_exe", .none, "The process's executable name.") { $0.executable },
            upidString("upid_to_service_name", .serviceName, "The process's service (outside Kubernetes: its executable's name).") { $0.service },
            upidString("upid_to_pod_name", .podName, "The process's pod (outside Kubernetes: its container id or <executable>-<pid>).") { $0.pod },
            upidString("upid_to_namespace", .namespaceName, "The process's namespace (outside Kubernetes: the host name).") { $0.namespace },
            upidString("upid_to_node_name", .nodeName, "The process's node (outside Kubernetes: the host name).") { $0.node },
            upidString("upid_to_container_name", .containerName, "The process's container (its id outside Kubernetes).") { $0.containerName },
            upidString("upid_to_container_id", .none, "The process's container id, or ''.") { $0.containerID },
        ]
    }
}
