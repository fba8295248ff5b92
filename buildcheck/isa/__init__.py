"""CPU features a binary needs: decode (disasm), classify (analyze), assemble (report)."""
