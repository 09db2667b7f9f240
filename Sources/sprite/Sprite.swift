import ArgumentParser

@main
struct Sprite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sprite",
        abstract: "eBPF observability data store: collect, keep 24 hours, query with PxL.",
        subcommands: [])
}
