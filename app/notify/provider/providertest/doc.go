// Package providertest runs fake notification providers on 127.0.0.1 for tests: an
// SMTP server (NewSMTP) and one HTTP server speaking the Unifonic, Twilio, WhatsApp
// Cloud API and a generic gateway wire formats (NewHTTP). Both check requests the way
// the real services do, answer with the real success and error bodies, record what they
// received and can be told to fail. Neither ever reaches the internet.
package providertest
