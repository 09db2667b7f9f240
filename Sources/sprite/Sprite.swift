import ArgumentParser

@main
struct Sprite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sprite",
        abstract: "eBPF observability data store: trace every TCP conversation on this node, keep 24 hours, query with PxL.",
        discussion: """
            Start a node with `sprite up` (as root, for the eBPF collector), then query it:
              sprite run -f script.pxl
              sprite tables
            """,
        subcommands: [ExportCommand.self, UpCommand.self, EdgeCommand.self, AggregatorCommand.self, RunCommand.self, LoadCommand.self, TablesCommand.self,
                      AgentsCommand.self, SchemasCommand.self])
}
