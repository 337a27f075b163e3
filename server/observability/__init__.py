"""What an operator watches: Prometheus metrics, JSON logs, and the request id that ties a log line to its audit
entry."""
