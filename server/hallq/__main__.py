from hallq.cli import main

main()
