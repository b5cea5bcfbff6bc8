"""Local fake HTTP servers of external APIs (Telegram Bot API, Twilio, Slack Web API) on 127.0.0.1."""
