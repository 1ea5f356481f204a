from hotline_cli.cli import main

main()
