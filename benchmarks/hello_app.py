"""The framework's ceiling: a bare Flask "hello" served exactly like the handbook."""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello() -> str:
    return "xin chào"
