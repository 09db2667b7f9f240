// Runs the edge collector into an in-memory store until SIGINT/SIGTERM, then prints a JSON
// report (collector counters, CPU time, and how many distinct /seq/<i> request paths reached
// http_events, each counted once). Used by scripts/bench_collector_*.sh until `sprite edge` exists.
import Logging
import SpriteCollector
import SpriteStore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

func eprint(_ s: String) {
    let line = s + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}

let stopRequested = Atomic<Bool>(false)
signal(SIGINT) { _ in stopRequested.store(true, ordering: .relaxed) }
signal(SIGTERM) { _ in stopRequested.store(true, ordering: .relaxed) }

var logger = Logger(label: "sprite.collector.bench")
logger.logLevel = .warning
let store = TableStore()
var configuration = CollectorConfiguration()
// SPRITE_TLS=0 runs without the TLS tracer (to split its cost from the socket tracer's).
configuration.traceTLS = getenv("SPRITE_TLS").map { String(cString: $0) != "0" } ?? true
let collector: Collector
do {
    collector = try Collector(store: store, configuration: configuration, logger: logger)
} catch {
    eprint("\(error)")
    exit(1)
}
let task = Task { try await collector.run() }
eprint("collector running (pid \(getpid()))")
while !stopRequested.load(ordering: .relaxed) {
    try? await Task.sleep(for: .milliseconds(100))
}
task.cancel()
_ = try? await task.value

var usage = rusage()
getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
let cpuSeconds = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6

// Completeness: server-side rows (role 2) for /seq/<i>.
var seen = Set<String>()
var seqRows = 0
if let table = store.table(named: "http_events") {
    let pathIndex = table.schema.index(of: "req_path")!
    let roleIndex = table.schema.index(of: "trace_role")!
    for slice in table.scan() {
        let paths = slice.batch.column(pathIndex)
        guard case .int64(let roles) = slice.batch.column(roleIndex) else { continue }
        for i in slice.rows where roles[i] == 2 {
            let p = paths.string(at: i)
            if p.hasPrefix("/seq/") { seqRows += 1; seen.insert(p) }
        }
    }
}
let s = collector.stats
print("""
{"events": \(s.events), "event_bytes": \(s.eventBytes), "drops": \(s.drops), "parse_errors": \(s.parseErrors), \
"http_rows": \(s.httpRows), "rows": \(s.rows), "gap_bytes": \(s.gapBytes), "unmatched": \(s.unmatched), \
"cpu_seconds": \(cpuSeconds), "seq_rows_server": \(seqRows), "seq_distinct_server": \(seen.count)}
""")
