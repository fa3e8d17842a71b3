from nyttolib.cli import main

main()
