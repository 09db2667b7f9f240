import Foundation
import Testing
import Yams

/// Every YAML file in deploy/ parses, has known kinds, and runs `sprite` with options the built
/// binary accepts; the edge DaemonSet keeps its least-privilege shape.
@Suite struct KubernetesManifestTests {
    static let image = "ghcr.io/sprite-observability/sprite"
    static let apiVersions: [String: String] = [
        "Namespace": "v1", "ConfigMap": "v1", "Secret": "v1", "Service": "v1",
        "Deployment": "apps/v1", "DaemonSet": "apps/v1", "Kustomization": "kustomize.config.k8s.io/v1beta1",
        "PersistentVolumeClaim": "v1",
    ]
    static let edgeCapabilities: Set<String> = ["BPF", "PERFMON", "SYS_PTRACE", "SYS_RESOURCE", "DAC_READ_SEARCH"]

    /// Every document of every YAML file under deploy/, with the file it came from.
    static func documents() throws -> [(file: String, object: [String: Any])] {
        var out: [(file: String, object: [String: Any])] = []
        for file in DeployFiles.named([".yaml", ".yml"]) {
            for document in try Yams.load_all(yaml: try DeployFiles.text(file)) {
                guard let object = document as? [String: Any] else {
                    Issue.record("\(file): a document is not a mapping")
                    continue
                }
                out.append((file, object))
            }
        }
        return out
    }

    @Test func everyManifestParsesWithAKnownKind() throws {
        let docs = try Self.documents()
        var kinds = Set<String>()
        for (file, object) in docs {
            let kind = object["kind"] as? String ?? "(none)"
            kinds.insert(kind)
            #expect(Self.apiVersions[kind] != nil, "\(file): unexpected kind \(kind)")
            #expect(object["apiVersion"] as? String == Self.apiVersions[kind], "\(file): \(kind) has apiVersion \(object["apiVersion"] ?? "none")")
            if kind != "Kustomization" {
                let metadata = object["metadata"] as? [String: Any]
                #expect(metadata?["name"] is String, "\(file): \(kind) without metadata.name")
            }
        }
        #expect(kinds == Set(Self.apiVersions.keys), "kinds in deploy/: \(kinds.sorted())")
    }

    @Test func kustomizationListsEveryManifest() throws {
        let files = DeployFiles.named([".yaml", ".yml"]).filter { $0.hasPrefix("kubernetes/") }
        let kustomization = try #require(try Self.documents().first { $0.object["kind"] as? String == "Kustomization" })
        let resources = (kustomization.object["resources"] as? [String] ?? []).map { "kubernetes/" + $0 }
        #expect(Set(resources) == Set(files.filter { !$0.hasSuffix("kustomization.yaml") }))
        let images = kustomization.object["images"] as? [[String: Any]] ?? []
        #expect(images.contains { $0["name"] as? String == Self.image })
    }

    @Test func containersRunSpriteWithOptionsTheBinaryAccepts() async throws {
        let help = try await SpriteHelp.load()
        #expect(help.subcommands.isSuperset(of: ["edge", "aggregator", "run", "agents"]), "sprite --help: \(help.subcommands.sorted())")
        let docs = try Self.documents()
        let configMaps = Self.data(docs, kind: "ConfigMap", key: "data")
        let secrets = Self.data(docs, kind: "Secret", key: "stringData")
        var checked: Set<String> = []
        for (file, object) in docs {
            guard let kind = object["kind"] as? String, kind == "DaemonSet" || kind == "Deployment" else { continue }
            let pod = try #require(Self.podSpec(object), "\(file): no pod template")
            for container in pod["containers"] as? [[String: Any]] ?? [] {
                let name = "\(file) \(container["name"] ?? "?")"
                let image = container["image"] as? String ?? ""
                #expect(image.hasPrefix(Self.image + ":"), "\(name): image \(image)")
                let env = Self.environment(container, configMaps: configMaps, secrets: secrets, file: name)
                let raw = (container["command"] as? [String] ?? ["sprite"]) + (container["args"] as? [String] ?? [])
                var words: [String] = []
                for word in raw {
                    switch DeployFiles.expand(word, style: .kubernetes, { env[$0] }) {
                    case .success(let w): words.append(w)
                    case .failure(let missing): Issue.record("\(name): $(\(missing.name)) has no env entry")
                    }
                }
                let (problems, values) = CommandCheck(help: help).problems(words)
                #expect(problems.isEmpty, "\(name): \(problems)")
                checked.insert(words.dropFirst().first ?? "")
                if kind == "DaemonSet" { try Self.checkMemory(container, budget: values["--memory"], file: name) }
            }
        }
        #expect(checked == ["edge", "aggregator"])
    }

    @Test func edgeDaemonSetHasLeastPrivileges() throws {
        let docs = try Self.documents()
        let daemonSet = try #require(docs.first { $0.object["kind"] as? String == "DaemonSet" })
        let pod = try #require(Self.podSpec(daemonSet.object))
        #expect(pod["hostPID"] as? Bool == true)
        #expect(pod["hostNetwork"] as? Bool != true)
        #expect(pod["automountServiceAccountToken"] as? Bool == false)
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        let security = try #require(container["securityContext"] as? [String: Any])
        #expect(security["privileged"] as? Bool != true, "privileged is only a documented fallback")
        #expect(security["allowPrivilegeEscalation"] as? Bool == false)
        #expect(security["readOnlyRootFilesystem"] as? Bool == true)
        let capabilities = try #require(security["capabilities"] as? [String: Any])
        #expect(capabilities["drop"] as? [String] == ["ALL"])
        #expect(Set(capabilities["add"] as? [String] ?? []) == Self.edgeCapabilities)

        // Host paths mounted read-only at the same path, and nothing else from the host.
        let volumes = pod["volumes"] as? [[String: Any]] ?? []
        var hostPaths: [String: String] = [:]
        for v in volumes {
            if let h = v["hostPath"] as? [String: Any], let name = v["name"] as? String { hostPaths[name] = h["path"] as? String }
        }
        #expect(Set(hostPaths.values) == ["/sys/kernel/btf", "/sys/kernel/tracing"])
        for mount in container["volumeMounts"] as? [[String: Any]] ?? [] {
            guard let name = mount["name"] as? String, let path = hostPaths[name] else { continue }
            #expect(mount["mountPath"] as? String == path)
            #expect(mount["readOnly"] as? Bool == true, "\(path) must be read-only")
        }
        // The downward API gives the edge its node's name.
        let env = container["env"] as? [[String: Any]] ?? []
        let fieldPaths = env.compactMap { (($0["valueFrom"] as? [String: Any])?["fieldRef"] as? [String: Any])?["fieldPath"] as? String }
        #expect(Set(fieldPaths).isSuperset(of: ["spec.nodeName", "status.podIP", "metadata.name", "metadata.namespace"]))
    }

    @Test func aggregatorServiceSelectsTheDeployment() throws {
        let docs = try Self.documents()
        let deployment = try #require(docs.first { $0.object["kind"] as? String == "Deployment" }?.object)
        let service = try #require(docs.first { $0.object["kind"] as? String == "Service" }?.object)
        #expect(((deployment["spec"] as? [String: Any])?["replicas"] as? Int) == 1, "edges register with a single aggregator")
        let labels = ((Self.podTemplate(deployment)?["metadata"] as? [String: Any])?["labels"] as? [String: String]) ?? [:]
        let selector = ((service["spec"] as? [String: Any])?["selector"] as? [String: String]) ?? [:]
        #expect(!selector.isEmpty && selector.allSatisfy { labels[$0.key] == $0.value })
        let ports = ((service["spec"] as? [String: Any])?["ports"] as? [[String: Any]]) ?? []
        let containerPorts = (Self.podSpec(deployment)?["containers"] as? [[String: Any]])?.first?["ports"] as? [[String: Any]] ?? []
        for p in ports {
            #expect(containerPorts.contains { $0["name"] as? String == p["targetPort"] as? String }, "targetPort \(p["targetPort"] ?? "?")")
        }
        let security = Self.podSpec(deployment)?["securityContext"] as? [String: Any]
        #expect(security?["runAsNonRoot"] as? Bool == true)
    }

    @Test func aggregatorKeepsExportStateOnItsClaim() throws {
        let docs = try Self.documents()
        let deployment = try #require(docs.first { $0.object["kind"] as? String == "Deployment" }?.object)
        let claim = try #require(docs.first { $0.object["kind"] as? String == "PersistentVolumeClaim" }?.object)
        let claimName = (claim["metadata"] as? [String: Any])?["name"] as? String
        let pod = try #require(Self.podSpec(deployment))
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        let args = container["args"] as? [String] ?? []
        let dataDir = try #require(args.first { $0.hasPrefix("--data-dir=") }?.dropFirst("--data-dir=".count), "the aggregator needs --data-dir")
        let volume = (pod["volumes"] as? [[String: Any]] ?? []).first {
            ($0["persistentVolumeClaim"] as? [String: Any])?["claimName"] as? String == claimName
        }
        let mount = (container["volumeMounts"] as? [[String: Any]] ?? []).first { $0["name"] as? String == volume?["name"] as? String }
        #expect(mount?["mountPath"] as? String == String(dataDir), "--data-dir must be the claim's mount")
        #expect(mount?["readOnly"] as? Bool != true)
        // The non-root user can write the volume.
        #expect((pod["securityContext"] as? [String: Any])?["fsGroup"] as? Int == 65532)
    }

    // MARK: helpers

    static func podTemplate(_ object: [String: Any]) -> [String: Any]? {
        (object["spec"] as? [String: Any])?["template"] as? [String: Any]
    }

    static func podSpec(_ object: [String: Any]) -> [String: Any]? {
        podTemplate(object)?["spec"] as? [String: Any]
    }

    /// `name -> key -> value` of every object of `kind` (ConfigMap `data`, Secret `stringData`).
    static func data(_ docs: [(file: String, object: [String: Any])], kind: String, key: String) -> [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        for (_, o) in docs where o["kind"] as? String == kind {
            guard let name = (o["metadata"] as? [String: Any])?["name"] as? String else { continue }
            out[name] = (o[key] as? [String: Any])?.compactMapValues { $0 as? String ?? ($0 as? Int).map(String.init) }
        }
        return out
    }

    /// The container's environment as Kubernetes would build it; references to ConfigMaps and
    /// Secrets must resolve to keys that exist in deploy/, field references become placeholders.
    static func environment(_ container: [String: Any], configMaps: [String: [String: String]], secrets: [String: [String: String]],
                            file: String) -> [String: String] {
        var env: [String: String] = [:]
        for entry in container["env"] as? [[String: Any]] ?? [] {
            guard let name = entry["name"] as? String else { continue }
            if let value = entry["value"] as? String { env[name] = value; continue }
            let from = entry["valueFrom"] as? [String: Any] ?? [:]
            if let ref = from["configMapKeyRef"] as? [String: Any] {
                let value = configMaps[ref["name"] as? String ?? ""]?[ref["key"] as? String ?? ""]
                #expect(value != nil, "\(file): \(name) refers to a ConfigMap key that does not exist: \(ref)")
                env[name] = value
            } else if let ref = from["secretKeyRef"] as? [String: Any] {
                let value = secrets[ref["name"] as? String ?? ""]?[ref["key"] as? String ?? ""]
                #expect(value != nil, "\(file): \(name) refers to a Secret key that does not exist: \(ref)")
                env[name] = value
            } else if let ref = from["fieldRef"] as? [String: Any] {
                env[name] = "field-" + (ref["fieldPath"] as? String ?? "")
            }
        }
        return env
    }

    /// The edge's memory limit must hold its store budget plus headroom for the collector and queries.
    static func checkMemory(_ container: [String: Any], budget: String?, file: String) throws {
        let parsedBudget = budget.flatMap { ByteSize.parse($0) }
        let budgetBytes = try #require(parsedBudget, "\(file): --memory \(budget ?? "missing") is not a size")
        let limits = (container["resources"] as? [String: Any])?["limits"] as? [String: Any]
        let parsedLimit = (limits?["memory"] as? String).flatMap { ByteSize.parse($0) }
        let limit = try #require(parsedLimit, "\(file): no memory limit")
        #expect(limit >= budgetBytes + (256 << 20), "\(file): memory limit \(limit) leaves no headroom over the store budget \(budgetBytes)")
    }
}
