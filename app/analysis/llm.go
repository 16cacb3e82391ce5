package analysis

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// LLMConfig is an OpenAI-compatible chat-completions endpoint an admin may enable,
// e.g. a model served on the hospital's own network. Off by default.
type LLMConfig struct {
	Enabled bool          `json:"enabled"`
	URL     string        `json:"url"`   // e.g. http://10.0.0.5:8000/v1/chat/completions
	Model   string        `json:"model"` // e.g. "qwen2.5-7b-instruct"
	Key     string        `json:"key"`   // bearer token; stored encrypted
	Timeout time.Duration `json:"timeout"`
}

// chatRequest and chatResponse are the parts of the chat-completions format we use.
type chatRequest struct {
	Model       string        `json:"model"`
	Messages    []chatMessage `json:"messages"`
	Temperature float64       `json:"temperature"`
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type chatResponse struct {
	Choices []struct {
		Message chatMessage `json:"message"`
	} `json:"choices"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// Opinion is what the model says about a comment.
type Opinion struct {
	Label      string `json:"label"` // positive, neutral, negative
	Summary    string `json:"summary"`
	Suggestion string `json:"suggested_action"`
}

// systemPrompt asks for a small JSON answer the code can check.
const systemPrompt = `You analyse patient comments for a hospital's patient-experience team. ` +
	`Answer with one JSON object only: {"label": "positive"|"neutral"|"negative", ` +
	`"summary": "<one sentence in the comment's language>", "suggested_action": "<one short improvement action, or empty>"}.`

// ask sends one redacted comment and parses the model's JSON answer. It returns the
// prompt as sent and the raw answer for the audit log.
func ask(ctx context.Context, client *http.Client, cfg LLMConfig, redacted string) (Opinion, string, string, error) {
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	body, _ := json.Marshal(chatRequest{Model: cfg.Model, Temperature: 0,
		Messages: []chatMessage{{Role: "system", Content: systemPrompt}, {Role: "user", Content: redacted}}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.URL, bytes.NewReader(body))
	if err != nil {
		return Opinion{}, string(body), "", err
	}
	req.Header.Set("Content-Type", "application/json")
	if cfg.Key != "" {
		req.Header.Set("Authorization", "Bearer "+cfg.Key)
	}
	res, err := client.Do(req)
	if err != nil {
		return Opinion{}, string(body), "", err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 256<<10))
	if err != nil {
		return Opinion{}, string(body), "", err
	}
	if res.StatusCode/100 != 2 {
		return Opinion{}, string(body), string(raw), fmt.Errorf("the model answered HTTP %d", res.StatusCode)
	}
	var cr chatResponse
	if err := json.Unmarshal(raw, &cr); err != nil {
		return Opinion{}, string(body), string(raw), fmt.Errorf("not a chat-completions answer: %w", err)
	}
	if cr.Error != nil {
		return Opinion{}, string(body), string(raw), errors.New(cr.Error.Message)
	}
	if len(cr.Choices) == 0 {
		return Opinion{}, string(body), string(raw), errors.New("the model gave no answer")
	}
	content := strings.TrimSpace(cr.Choices[0].Message.Content)
	content = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(content, "```json"), "```"), "```")
	var op Opinion
	if err := json.Unmarshal([]byte(strings.TrimSpace(content)), &op); err != nil {
		return Opinion{}, string(body), string(raw), fmt.Errorf("the model's answer is not the JSON asked for: %w", err)
	}
	switch op.Label {
	case "positive", "neutral", "negative":
	default:
		return Opinion{}, string(body), string(raw), fmt.Errorf("the model's label %q is not one of positive, neutral, negative", op.Label)
	}
	op.Summary, op.Suggestion = clip(op.Summary, 500), clip(op.Suggestion, 500)
	return op, string(body), string(raw), nil
}

func clip(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) > n {
		return string(r[:n])
	}
	return string(r)
}
