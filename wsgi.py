from handbook import create_app

app = create_app()
