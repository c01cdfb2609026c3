package host

import "testing"

// TestForks: the forks in order, their names and the "Merge" alias of Paris.
func TestForks(t *testing.T) {
	order := []Fork{Paris, Shanghai, Cancun, Prague, Osaka}
	for i, f := range order {
		if int(f) != i {
			t.Errorf("%v is %d, want %d", f, f, i)
		}
		got, err := ParseFork(f.String())
		if err != nil || got != f {
			t.Errorf("ParseFork(%q) = %v, %v", f.String(), got, err)
		}
	}
	if LatestFork != Osaka {
		t.Errorf("LatestFork %v", LatestFork)
	}
	for name, want := range map[string]Fork{"merge": Paris, "SHANGHAI": Shanghai, "paris": Paris} {
		if got, err := ParseFork(name); err != nil || got != want {
			t.Errorf("ParseFork(%q) = %v, %v; want %v", name, got, err, want)
		}
	}
	if _, err := ParseFork("London"); err == nil {
		t.Error("ParseFork(London) succeeded")
	}
}
