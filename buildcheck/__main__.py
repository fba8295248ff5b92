from buildcheck.cli import main

main()
