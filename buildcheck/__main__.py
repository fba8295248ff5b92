from buildcheck.entry import main

main()
