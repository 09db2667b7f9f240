import CLibbpf

#if canImport(Glibc)
import Glibc
#endif

/// Reads function symbols of an ELF file (through libelf) and turns them into the file offsets
/// uprobes attach to.
enum ELFSymbols {
    /// File offsets of the defined functions among `names`, from `.dynsym` and `.symtab`.
    /// Versioned names (`SSL_read@@OPENSSL_3.0.0`) match their plain name. Throws a readable
    /// reason when the file cannot be read as ELF.
    static func functionOffsets(path: String, names: Set<String>) throws(CollectorError) -> [String: UInt64] {
        _ = initialized
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CollectorError(.attachFailed, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard let elf = elf_begin(fd, ELF_C_READ, nil) else {
            throw CollectorError(.attachFailed, "not readable as ELF: \(String(cString: elf_errmsg(-1)))")
        }
        defer { elf_end(elf) }
        guard elf_kind(elf) == ELF_K_ELF else { throw CollectorError(.attachFailed, "not an ELF file") }

        // Executable segments, to turn virtual addresses into file offsets.
        var segments: [(vaddr: UInt64, size: UInt64, offset: UInt64)] = []
        var count = 0
        if elf_getphdrnum(elf, &count) == 0 {
            for i in 0..<count {
                var ph = GElf_Phdr()
                guard gelf_getphdr(elf, Int32(i), &ph) != nil, ph.p_type == UInt32(PT_LOAD), ph.p_flags & UInt32(PF_X) != 0 else { continue }
                segments.append((ph.p_vaddr, ph.p_memsz, ph.p_offset))
            }
        }

        // Cheap C-string pre-filter: big executables have hundreds of thousands of symbols.
        let prefixes = Set(names.map { String($0.prefix(4)) })
        var found: [String: UInt64] = [:]
        var scn: OpaquePointer? = nil
        while let s = elf_nextscn(elf, scn) {
            scn = s
            var sh = GElf_Shdr()
            guard gelf_getshdr(s, &sh) != nil, sh.sh_type == UInt32(SHT_DYNSYM) || sh.sh_type == UInt32(SHT_SYMTAB),
                  sh.sh_entsize > 0, let data = elf_getdata(s, nil) else { continue }
            let symbols = Int(sh.sh_size / sh.sh_entsize)
            for i in 0..<symbols {
                var sym = GElf_Sym()
                guard gelf_getsym(data, Int32(i), &sym) != nil else { continue }
                guard sym.st_info & 0xf == UInt8(STT_FUNC), sym.st_shndx != 0, sym.st_value != 0,
                      let cname = elf_strptr(elf, Int(sh.sh_link), Int(sym.st_name)),
                      prefixes.contains(where: { strncmp(cname, $0, $0.count) == 0 }) else { continue }
                var name = String(cString: cname)
                if let at = name.firstIndex(of: "@") { name = String(name[..<at]) }
                guard names.contains(name), found[name] == nil else { continue }
                let vaddr = sym.st_value
                if let seg = segments.first(where: { vaddr >= $0.vaddr && vaddr < $0.vaddr + $0.size }) {
                    found[name] = vaddr - seg.vaddr + seg.offset
                }
            }
            if found.count == names.count { break }
        }
        return found
    }

    private static let initialized: Bool = elf_version(UInt32(EV_CURRENT)) != UInt32(EV_NONE)
}
