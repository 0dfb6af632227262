from flaskgen.cli import main

main()
