from rmcode.cli import main

main()
