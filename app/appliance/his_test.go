package appliance_test

import (
	"bufio"
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"px360/app"
	"px360/app/appliance"
	"px360/app/his"
	"px360/app/hl7"
)

// TestServeOpensMLLPListeners checks that serve opens an MLLP port for an enabled HL7
// integration and that a message sent there is acknowledged and applied.
func TestServeOpensMLLPListeners(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	a, err := appliance.Open(ctx, appliance.Config{DataDir: t.TempDir(), Version: "test", BackupAt: "off"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	free, _ := net.Listen("tcp", "127.0.0.1:0")
	port := free.Addr().String()
	free.Close()
	if _, _, err := a.HIS.SaveIntegration(ctx, app.System, 0, his.IntegrationInput{Name: "HIS", Kind: app.IntegrationHL7,
		HospitalCode: "RCH", ListenAddr: port, Enabled: true}, false); err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	served := make(chan error, 1)
	ready := make(chan struct{})
	go func() { served <- a.ServeListener(ctx, ln, func(string) { close(ready) }) }()
	<-ready
	var c net.Conn
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, err = net.Dial("tcp", port); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no MLLP listener on %s: %v", port, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	defer c.Close()
	msg, _ := os.ReadFile(filepath.Join("..", "hl7", "testdata", "adt_a01_inpatient.hl7"))
	ack, err := his.Send(c, bufio.NewReader(c), msg)
	if err != nil {
		t.Fatal(err)
	}
	if code, _, _ := hl7.AckCode(ack); code != "AA" {
		t.Fatalf("ack %q", ack)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		if v, _ := a.HIS.Visits(ctx, app.System, "100245871"); len(v) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the message was not applied by the running server")
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
}
