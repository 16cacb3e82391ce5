package his_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"px360/app/his"
	"px360/app/hl7"
)

// TestKillNineLosesNoAcknowledgedMessage sends ADT messages over MLLP from four
// connections to a child process, kills it with SIGKILL under load, and checks after a
// restart that every message that got an ACK is in the database.
func TestKillNineLosesNoAcknowledgedMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	f := openFixture(t, dir)
	f.st.Close()
	addrFile := filepath.Join(dir, "addr")
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildMLLP$")
	cmd.Env = append(os.Environ(), "PX360_HIS_CHILD="+dir)
	out, _ := os.Create(filepath.Join(dir, "child.log"))
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var addr string
	for deadline := time.Now().Add(time.Minute); addr == ""; {
		if b, err := os.ReadFile(addrFile); err == nil && strings.HasSuffix(string(b), "\n") {
			addr = strings.TrimSpace(string(b))
		} else if time.Now().After(deadline) {
			cmd.Process.Kill()
			log, _ := os.ReadFile(filepath.Join(dir, "child.log"))
			t.Fatalf("the child did not start:\n%s", log)
		}
		time.Sleep(5 * time.Millisecond)
	}
	base := sample(t, "adt_a04_er.hl7")
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				return
			}
			defer c.Close()
			r := bufio.NewReader(c)
			for i := 0; ; i++ {
				id := fmt.Sprintf("K%d-%d", w, i)
				ack, err := his.Send(c, r, []byte(strings.Replace(base, "HHRUH25031923124402", id, 1)))
				if err != nil {
					return // the server died
				}
				if code, ctrl, _ := hl7.AckCode(ack); code == "AA" {
					mu.Lock()
					acked = append(acked, ctrl)
					mu.Unlock()
				}
			}
		}()
	}
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 300 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	wg.Wait()

	g := openFixture(t, dir)
	missing := 0
	for _, id := range acked {
		if count(t, g.st, `select count(*) from his_messages where external_id = ?`, id) != 1 {
			missing++
		}
	}
	t.Logf("%d messages acknowledged before the kill; %d stored in all", len(acked), count(t, g.st, `select count(*) from his_messages`))
	if missing > 0 {
		t.Fatalf("%d acknowledged messages are not in the database", missing)
	}
	if _, err := g.svc.Process(g.ctx); err != nil {
		t.Fatal(err)
	}
}

// TestChildMLLP is the child of TestKillNineLosesNoAcknowledgedMessage: an MLLP server
// that runs until it is killed.
func TestChildMLLP(t *testing.T) {
	dir := os.Getenv("PX360_HIS_CHILD")
	if dir == "" {
		t.Skip("only run as a child process")
	}
	f := openFixture(t, dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := f.svc.ListenOn(f.hl7, ln)
	if err := os.WriteFile(filepath.Join(dir, "addr"), []byte(ln.Addr().String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	_ = l.Serve(ctx)
}
