from buildcheck.compare import diff_reports


def report(path, size, sections, origins=(), debug=0):
    return {
        "path": path, "file_size": size, "debug_bytes": debug, "debug_info_bytes": debug // 2,
        "stripped_size_estimate": size - debug,
        "sections": [{"name": n, "type": t, "size": s} for n, t, s in sections],
        "origins": [{"name": n, "kind": k, "debug_info_bytes": b, "units": 1} for n, k, b in origins],
    }


def test_sections_and_origins_classified():
    old = report("old", 1000, [(".text", "PROGBITS", 100), (".debug_info", "PROGBITS", 500), (".bss", "NOBITS", 64)],
                 [("app", "rust", 300), ("std", "rust-std", 200)], debug=500)
    new = report("new", 400, [(".text", "PROGBITS", 120), (".bss", "NOBITS", 128), (".comment", "PROGBITS", 10)],
                 [("std", "rust-std", 200)], debug=0)
    diff = diff_reports(old, new)
    by_name = {d.name: d for d in diff.sections}
    assert by_name[".text"].status == "grew" and by_name[".text"].change == 20
    assert by_name[".debug_info"].status == "vanished" and by_name[".debug_info"].change == -500
    assert by_name[".comment"].status == "appeared"
    # .bss occupies no file bytes on either side, so it is unchanged on disk.
    assert by_name[".bss"].status == "same"
    assert [d.name for d in diff.changed_origins()] == ["app"]
    assert diff.changed_origins()[0].status == "vanished"
    assert diff.file_size.growth == -0.6
    # Largest change first.
    assert diff.changed_sections()[0].name == ".debug_info"


def test_repeated_section_names_are_matched_in_order():
    old = report("a.o", 10, [(".text", "PROGBITS", 5), (".text", "PROGBITS", 7)])
    new = report("a.o", 10, [(".text", "PROGBITS", 5), (".text", "PROGBITS", 9)])
    changed = diff_reports(old, new).changed_sections()
    assert [(d.name, d.old, d.new) for d in changed] == [(".text#2", 7, 9)]


def test_json_lists_only_changes_and_growth_of_zero_is_none():
    old = report("a", 0, [(".text", "PROGBITS", 5)])
    new = report("b", 10, [(".text", "PROGBITS", 5)])
    out = diff_reports(old, new).to_json()
    assert out["command"] == "diff" and out["schema_version"] == 1
    assert out["sections"] == []
    assert out["file_size"] == {"old": 0, "new": 10, "change": 10, "growth": None}
