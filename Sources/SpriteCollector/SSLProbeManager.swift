import CLibbpf
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Finds the processes that use OpenSSL and keeps uprobes on their TLS libraries: one set of
/// probes per library file (uprobes live on the file, so one attachment covers every process that
/// maps it, in any mount namespace), attached when a process mapping it is first seen and detached
/// when no process maps it any more.
///
/// Processes are scanned at start, shortly after each `execve` (the loader maps libraries after
/// the exec event) and by a periodic rescan that also finds libraries loaded later with `dlopen`.
/// Attach failures never stop the collector: they are logged and reported through
/// ``takeMessages()`` into `sprite_collector_stats.message`.
final class SSLProbeManager: @unchecked Sendable {
    /// Probes on one library file.
    private struct Library {
        var path: String
        var hostPath: String
        var links: [OpaquePointer]
    }

    private struct State {
        var libraries: [LibraryScanner.FileID: Library] = [:]
        /// Probed files each known process maps.
        var processFiles: [UInt32: Set<LibraryScanner.FileID>] = [:]
        /// Executables checked and found without TLS functions.
        var plainFiles: Set<LibraryScanner.FileID> = []
        /// Files that could not be probed, with the reason (not retried).
        var failed: [LibraryScanner.FileID: String] = [:]
        /// Scans due after exec events.
        var dueScans: [(pid: UInt32, due: ContinuousClock.Instant)] = []
        var nextRescan: ContinuousClock.Instant
        /// Attachments and failures not reported yet.
        var messages: [String] = []
    }

    /// Delays after an exec at which the process is scanned (the dynamic loader maps libssl a
    /// few milliseconds after the exec; programs that load it lazily are found by later scans).
    static let execScanDelays: [Duration] = [.milliseconds(20), .milliseconds(300), .milliseconds(1500)]
    static let symbols: Set<String> = Set(TLSProgram.functions.map(\.symbol))

    private let program: TLSProgram
    private let rescanInterval: Duration
    private let logger: Logger
    private let selfPID = UInt32(getpid())
    private let lock = Mutex(())
    /// Guarded by `lock`; only the discovery thread (and `start`/`stop` around it) takes it, for
    /// as long as a scan lasts (ELF symbol tables of new executables can take a while to read).
    private var state: State
    /// What other threads exchange with discovery, behind its own short-lived lock, so the
    /// event-polling thread never waits for a scan.
    private struct Shared {
        /// Processes that exited, not yet forgotten by the discovery thread.
        var exited: Set<UInt32> = []
        /// Attachments and failures not reported yet.
        var messages: [String] = []
        /// Paths of the probed library files.
        var probed: [String] = []
    }
    private let shared = Mutex(Shared())
    private let stopFlag = Atomic<Bool>(false)
    private var thread: pthread_t?
    private var execSource: (@Sendable () -> [UInt32])?

    init(program: TLSProgram, rescanInterval: Duration, logger: Logger) {
        self.program = program
        self.rescanInterval = rescanInterval
        self.logger = logger
        state = State(nextRescan: .now + rescanInterval)
    }

    private func withState<R>(_ body: (inout State) -> R) -> R {
        lock.withLock { _ in
            let r = body(&self.state)
            // Publish what other threads read: messages and the probed files.
            let messages = state.messages
            state.messages.removeAll()
            let probed = state.libraries.values.map(\.path).sorted()
            shared.withLock { sh in
                sh.messages += messages
                sh.probed = probed
            }
            return r
        }
    }

    /// Attaches the exec tracepoint, probes the libraries of every running process and starts the
    /// discovery thread (scans read /proc and ELF files: they never hold up event consumption).
    /// `execs` hands over the processes that called execve since it was last called.
    func start(execs: @escaping @Sendable () -> [UInt32]) {
        execSource = execs
        discoverInitial()
        let box = Unmanaged.passRetained(self).toOpaque()
        var t = pthread_t()
        pthread_create(&t, nil, { arg in
            let manager = Unmanaged<SSLProbeManager>.fromOpaque(arg!).takeRetainedValue()
            manager.loop()
            return nil
        }, box)
        thread = t
    }

    private func loop() {
        while !stopFlag.load(ordering: .relaxed) {
            tick(execs: execSource?() ?? [])
            usleep(10_000)
        }
    }

    private func discoverInitial() {
        do {
            try program.attachExec()
        } catch {
            logger.warning("TLS discovery on exec unavailable", metadata: ["reason": "\(error.message)"])
            withState { $0.messages.append("tls: \(error.message)") }
        }
        withState { s in rescanAll(&s) }
    }

    /// Discovery work: scans for processes that exec'd (`execs`) and the periodic rescan when
    /// due. Cheap when nothing is due.
    func tick(execs: [UInt32]) {
        let now = ContinuousClock.now
        let exited = shared.withLock { sh in
            let e = sh.exited
            sh.exited.removeAll()
            return e
        }
        withState { s in
            for pid in exited { s.processFiles.removeValue(forKey: pid) }
            for pid in execs where pid != selfPID {
                for d in Self.execScanDelays { s.dueScans.append((pid, now + d)) }
            }
            if now >= s.nextRescan {
                s.nextRescan = now + rescanInterval
                s.dueScans.removeAll()
                rescanAll(&s)
                return
            }
            guard !s.dueScans.isEmpty else { return }
            var later: [(pid: UInt32, due: ContinuousClock.Instant)] = []
            var pids: Set<UInt32> = []
            for d in s.dueScans {
                if d.due <= now { pids.insert(d.pid) } else { later.append(d) }
            }
            s.dueScans = later
            for pid in pids { scan(pid, &s) }
        }
    }

    /// Forgets processes that exited: their kernel state now, their library use at the next
    /// discovery tick (libraries no process maps any more are released by the next rescan).
    /// Called on the event-polling thread: never waits for a scan in progress.
    func processesExited(_ tgids: Set<UInt32>) {
        guard !tgids.isEmpty else { return }
        program.forgetProcesses(tgids)
        shared.withLock { $0.exited.formUnion(tgids) }
    }

    /// Attachments, detachments and failures since the last call, one line each (never waits
    /// for a scan in progress).
    func takeMessages() -> [String] {
        shared.withLock { sh in
            let m = sh.messages
            sh.messages.removeAll()
            return m
        }
    }

    /// Paths (inside their processes' mount namespaces) of the library files probed now: the
    /// probes of each are attached (never waits for a scan in progress).
    var probedLibraries: [String] {
        shared.withLock { $0.probed }
    }

    /// Detaches every probe (idempotent).
    func stop() {
        stopFlag.store(true, ordering: .relaxed)
        if let t = thread {
            pthread_join(t, nil)
            thread = nil
        }
        program.detach()
        withState { s in
            for l in s.libraries.values { for link in l.links { bpf_link__destroy(link) } }
            s.libraries.removeAll()
            s.processFiles.removeAll()
        }
    }

    deinit {
        program.detach()
        for l in state.libraries.values { for link in l.links { bpf_link__destroy(link) } }
    }

    // MARK: - Scanning

    private func rescanAll(_ s: inout State) {
        var alive: Set<UInt32> = []
        for pid in LibraryScanner.allProcesses() where pid != selfPID {
            alive.insert(pid)
            scan(pid, &s)
        }
        for pid in s.processFiles.keys where !alive.contains(pid) { s.processFiles.removeValue(forKey: pid) }
        releaseUnused(&s)
    }

    /// Probes the TLS libraries process `pid` maps and remembers which ones it uses.
    private func scan(_ pid: UInt32, _ s: inout State) {
        guard let files = LibraryScanner.candidates(pid: pid) else {
            s.processFiles.removeValue(forKey: pid)
            return
        }
        var used = Set<LibraryScanner.FileID>()
        for f in files {
            if s.libraries[f.id] != nil {
                used.insert(f.id)
                continue
            }
            if s.plainFiles.contains(f.id) || s.failed[f.id] != nil { continue }
            if attach(f, pid: pid, &s) { used.insert(f.id) }
        }
        if used.isEmpty { s.processFiles.removeValue(forKey: pid) } else { s.processFiles[pid] = used }
    }

    private func attach(_ f: LibraryScanner.MappedFile, pid: UInt32, _ s: inout State) -> Bool {
        let host = LibraryScanner.hostPath(pid: pid, path: f.path)
        let offsets: [String: UInt64]
        do {
            offsets = try ELFSymbols.functionOffsets(path: host, names: Self.symbols)
        } catch {
            if f.isExecutable { s.plainFiles.insert(f.id) } else { fail(f, pid: pid, reason: error.message, &s) }
            return false
        }
        guard offsets["SSL_read"] != nil || offsets["SSL_read_ex"] != nil, offsets["SSL_write"] != nil || offsets["SSL_write_ex"] != nil else {
            if f.isExecutable {
                s.plainFiles.insert(f.id)
            } else {
                fail(f, pid: pid, reason: "no SSL_read/SSL_write symbols (stripped or not OpenSSL)", &s)
            }
            return false
        }
        var links: [OpaquePointer] = []
        for fn in TLSProgram.functions {
            guard let offset = offsets[fn.symbol] else { continue }
            do {
                links += try program.attach(entry: fn.entry, exit: fn.exit, path: host, offset: offset)
            } catch {
                for l in links { bpf_link__destroy(l) }
                fail(f, pid: pid, reason: "\(fn.symbol): \(error.message)", &s)
                return false
            }
        }
        s.libraries[f.id] = Library(path: f.path, hostPath: host, links: links)
        let missing = TLSProgram.functions.map(\.symbol).filter { offsets[$0] == nil }
        let note = missing.isEmpty ? "" : " (without \(missing.joined(separator: ", ")))"
        s.messages.append("tls: probing \(f.path) of pid \(pid)\(note)")
        logger.info("TLS library probed", metadata: ["path": "\(f.path)", "pid": "\(pid)", "file": "\(f.id)"])
        return true
    }

    private func fail(_ f: LibraryScanner.MappedFile, pid: UInt32, reason: String, _ s: inout State) {
        s.failed[f.id] = reason
        s.messages.append("tls: not attached \(LibraryScanner.hostPath(pid: pid, path: f.path)): \(reason)")
        logger.warning("TLS library not probed", metadata: ["path": "\(f.path)", "pid": "\(pid)", "reason": "\(reason)"])
    }

    /// Detaches libraries no known process maps any more.
    private func releaseUnused(_ s: inout State) {
        var used = Set<LibraryScanner.FileID>()
        for files in s.processFiles.values { used.formUnion(files) }
        for (id, l) in s.libraries where !used.contains(id) {
            for link in l.links { bpf_link__destroy(link) }
            s.libraries.removeValue(forKey: id)
            s.messages.append("tls: released \(l.path) (no process maps it)")
            logger.info("TLS library released", metadata: ["path": "\(l.path)"])
        }
    }
}
