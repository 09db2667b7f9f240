import Foundation
import PackagePlugin

/// Compiles `bpf/*.bpf.c` with clang's BPF target (generating `vmlinux.h` from the running
/// kernel's BTF first) and emits `EmbeddedBPF.swift`, which embeds the objects in the target, so
/// `swift build` stays one step and nothing generated lands in git. The work is done by
/// `scripts/build-bpf.sh`.
@main
struct BPFCompilerPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let root = context.package.directoryURL
        let bpfDir = root.appending(path: "bpf")
        let includeDir = root.appending(path: "Sources/CSpriteBPF/include")
        let script = root.appending(path: "scripts/build-bpf.sh")
        let sources = try FileManager.default.contentsOfDirectory(atPath: bpfDir.path)
            .filter { $0.hasSuffix(".bpf.c") || $0.hasSuffix(".h") }
            .sorted()
            .map { bpfDir.appending(path: $0) }
        let work = context.pluginWorkDirectoryURL.appending(path: "bpf")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedBPF.swift")
        return [
            .buildCommand(
                displayName: "Compiling BPF programs for \(target.name)",
                executable: URL(fileURLWithPath: "/bin/bash"),
                arguments: [script.path, bpfDir.path, includeDir.path, work.path, output.path],
                inputFiles: sources + [includeDir.appending(path: "sprite_bpf.h"), script],
                outputFiles: [output]
            )
        ]
    }
}
