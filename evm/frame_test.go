package evm

import (
	"reflect"
	"testing"
	"unsafe"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// TestFrameReset: a pooled frame keeps nothing of its last execution but its caches.
func TestFrameReset(t *testing.T) {
	f := new(frame)
	// Fill every field of the state with something non-zero.
	v := reflect.ValueOf(&f.frameState).Elem()
	for i := 0; i < v.NumField(); i++ {
		fv := v.Field(i)
		fillNonZero(t, reflect.NewAt(fv.Type(), unsafe.Pointer(fv.UnsafeAddr())).Elem(), v.Type().Field(i).Name)
	}
	f.mem = make([]byte, 64)
	f.slots = slotCache{}
	f.slots.store(uint256.NewInt(1), uint256.NewInt(2))
	f.reset()
	kept := map[string]bool{"mem": true, "slots": true, "mulmodM": true, "mulmodMu": true, "hasher": true, "hbuf": true}
	for i := 0; i < v.NumField(); i++ {
		name := v.Type().Field(i).Name
		if !kept[name] && !v.Field(i).IsZero() {
			t.Errorf("field %s survives reset", name)
		}
	}
	if len(f.mem) != 0 || f.slots.lookup(uint256.NewInt(1)) >= 0 {
		t.Errorf("memory or slot cache not emptied")
	}
}

func fillNonZero(t *testing.T, v reflect.Value, name string) {
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
	case reflect.Interface:
		switch name {
		case "host":
			v.Set(reflect.ValueOf(newTestHost()))
		case "err":
			v.Set(reflect.ValueOf(host.ErrOutOfGas))
		}
	case reflect.Int64, reflect.Int:
		v.SetInt(7)
	case reflect.Uint64, reflect.Uint32, reflect.Uint8:
		v.SetUint(7)
	case reflect.UnsafePointer:
		x := 1
		v.SetPointer(unsafe.Pointer(&x))
	case reflect.Array:
		if v.Len() > 0 && v.Index(0).CanSet() {
			fillNonZero(t, v.Index(0), name)
		}
	case reflect.Struct:
		// slotCache and others: left as they are (checked separately)
	default:
		t.Fatalf("field %s: kind %v not handled by the test", name, v.Kind())
	}
}
