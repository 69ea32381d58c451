package dev.credbroker.server.devaws;

/** One HTTP answer of the development endpoint: status, content type, body, request id. */
record Answer(int status, String contentType, String body, String requestId) {}
