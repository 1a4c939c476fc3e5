from agent_desk.cli import main

main()
