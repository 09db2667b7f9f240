import ArgumentParser

/// Options of the commands that talk to a running node or broker (`run`, `load`, `tables`,
/// `agents`, `export ...`).
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: "Server URL (default: $SPRITE_SERVER or http://127.0.0.1:\(APIClient.defaultPort)).")
    var server: String?

    @Option(name: .long, help: "API token (default: $SPRITE_TOKEN).")
    var token: String?

    /// A client for the server these options name.
    func client() throws -> APIClient { try APIClient(server: server, token: token) }
}
