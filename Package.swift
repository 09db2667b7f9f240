// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Sprite",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sprite", targets: ["sprite"]),
        .library(name: "SpriteStore", targets: ["SpriteStore"]),
        .library(name: "SpritePxL", targets: ["SpritePxL"]),
        .library(name: "SpriteEngine", targets: ["SpriteEngine"]),
        .library(name: "SpriteCollector", targets: ["SpriteCollector"]),
        .library(name: "SpriteCluster", targets: ["SpriteCluster"]),
        .library(name: "SpriteOTLP", targets: ["SpriteOTLP"]),
        .library(name: "SpriteExport", targets: ["SpriteExport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // Column types, schemas, record batches, ring tables, retention and compaction.
        .target(
            name: "SpriteStore",
            dependencies: [.product(name: "Logging", package: "swift-log")]
        ),
        // Vectorized operators, scalar functions and mergeable aggregates over store batches.
        .target(
            name: "SpriteEngine",
            dependencies: ["SpriteStore"]
        ),
        // PxL: tokenizer, parser, diagnostics and the compiler from scripts to plans.
        .target(
            name: "SpritePxL",
            dependencies: ["SpriteEngine", "SpriteStore", "SpriteOTLP"]
        ),
        // OTLP encoding (protobuf and JSON) and export over HTTP.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(
            name: "SpriteOTLP",
            dependencies: ["SpriteStore", "CZlib", .product(name: "Logging", package: "swift-log")]
        ),
        // Scheduled export scripts: schedules and history in SQLite, runs, contiguous windows.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .target(
            name: "SpriteExport",
            dependencies: ["SpriteOTLP", "SpritePxL", "SpriteEngine", "SpriteStore", "CSQLite",
                           .product(name: "Logging", package: "swift-log")]
        ),
        // Node query API, result encoding, the plan splitter, edge <-> aggregator transport and
        // the broker API.
        .target(
            name: "SpriteCluster",
            dependencies: [
                "SpriteStore", "SpriteEngine", "SpritePxL", "SpriteExport", "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The `sprite` command.
        .executableTarget(
            name: "sprite",
            dependencies: [
                "SpriteStore", "SpriteCluster", "SpriteCollector", "SpriteExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Edge collector: libbpf (system library), the event layouts shared with bpf/, the plugin
        // that compiles and embeds bpf/*.bpf.c, and the collector itself.
        .systemLibrary(name: "CLibbpf", path: "Sources/CLibbpf"),
        .target(name: "CSpriteBPF", path: "Sources/CSpriteBPF"),
        // libnghttp2's HPACK inflater for HTTP/2 header blocks.
        .systemLibrary(name: "CNghttp2", path: "Sources/CNghttp2"),
        .plugin(name: "BPFCompilerPlugin", capability: .buildTool()),
        .target(
            name: "SpriteCollector",
            dependencies: [
                "SpriteStore", "CSpriteBPF", "CLibbpf", "CNghttp2",
                .product(name: "Logging", package: "swift-log"),
            ],
            plugins: ["BPFCompilerPlugin"]
        ),
        .testTarget(name: "SpriteCollectorTests", dependencies: ["SpriteCollector", "SpriteStore", "SpriteCluster"]),
        // Runs the collector alone for scripts/bench_collector_*.sh.
        .executableTarget(
            name: "sprite-collector-bench",
            dependencies: ["SpriteCollector", "SpriteStore", .product(name: "Logging", package: "swift-log")]
        ),
        // Measurement harness run by scripts/bench_*.py.
        .executableTarget(name: "sprite-bench", dependencies: ["SpriteStore", "SpriteOTLP", "SpriteExport"]),
        // The OTLP export measurement (scripts/bench_otlp.py): apart, since it links SpriteCluster.
        .executableTarget(name: "sprite-otlp-bench", dependencies: ["SpriteStore", "SpriteOTLP", "SpriteExport", "SpriteCluster"]),
        .testTarget(name: "SpriteStoreTests", dependencies: ["SpriteStore"]),
        .testTarget(name: "SpritePxLTests", dependencies: ["SpritePxL"]),
        .testTarget(name: "SpriteEngineTests", dependencies: ["SpriteEngine", "SpriteStore"]),
        // Helpers shared by test targets: the real OTLP receiver (scripts/otlp_receiver.py) in a subprocess.
        .target(name: "SpriteTestSupport", path: "Tests/SpriteTestSupport"),
        .testTarget(name: "SpriteOTLPTests", dependencies: ["SpriteOTLP", "SpriteExport", "SpritePxL", "SpriteEngine", "SpriteStore",
                                                            "SpriteTestSupport"]),
        // Parses deploy/ (Kubernetes manifests, systemd units) and checks them against `sprite --help`.
        .testTarget(name: "SpriteDeployTests", dependencies: ["SpriteEngine", "SpritePxL", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "SpriteClusterTests", dependencies: ["SpriteCluster", "SpriteStore", "SpriteEngine", "SpritePxL", "SpriteExport",
                                                               "SpriteTestSupport"],
                    exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
