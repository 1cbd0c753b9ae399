// SPDX-License-Identifier: GPL-2.0
// The Go program tests/integration/go.t traces: recursion that grows the goroutine stack,
// goroutines, panic/recover and runtime.Goexit through traced frames, strings, slices and
// multiple results. It counts the calls of each traced function itself and prints the
// counts, so that the test can compare them with what rtrace saw.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

var calls struct {
	add, fib, grow, greet, stats, divmod, scale, mean, thrower, catcher, worker, quitter,
	many, mix int64
}

//go:noinline
func add(a, b int) int {
	atomic.AddInt64(&calls.add, 1)
	return a + b
}

//go:noinline
func fib(n int) int {
	atomic.AddInt64(&calls.fib, 1)
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

// grow recurses with a 512-byte frame: 2,000 levels need ~1 MiB of stack, which starts at
// 8 KiB, so the runtime copies it to a bigger one several times on the way down (each
// copy restarts the call that hit the guard). It returns where its frame was when it was
// called and where it is at its return: different when the stack moved.
//
//go:noinline
func grow(n int) (sum int, moved bool) {
	var buf [512]byte

	atomic.AddInt64(&calls.grow, 1)
	buf[n%512] = byte(n)
	at := uintptr(unsafe.Pointer(&buf[0]))
	if n == 0 {
		return int(buf[0]), false
	}
	s, m := grow(n - 1)
	return s + int(buf[n%512]), m || at != uintptr(unsafe.Pointer(&buf[0]))
}

//go:noinline
func greet(s string) string {
	atomic.AddInt64(&calls.greet, 1)
	return strings.ToUpper(s) + "!"
}

//go:noinline
func stats(xs []int) (sum int, count int) {
	atomic.AddInt64(&calls.stats, 1)
	for _, x := range xs {
		sum += x
	}
	return sum, len(xs)
}

//go:noinline
func divmod(a, b int) (int, int, error) {
	atomic.AddInt64(&calls.divmod, 1)
	if b == 0 {
		return 0, 0, errors.New("division by zero")
	}
	return a / b, a % b, nil
}

//go:noinline
func scale(xs []int, k int) []int {
	atomic.AddInt64(&calls.scale, 1)
	out := make([]int, len(xs), len(xs)+1)
	for i, x := range xs {
		out[i] = x * k
	}
	return out
}

//go:noinline
func mean(xs []float64) float64 {
	atomic.AddInt64(&calls.mean, 1)
	t := 0.0
	for _, x := range xs {
		t += x
	}
	return t / float64(len(xs))
}

// many takes ten ints: nine in registers, the tenth on the stack.
//
//go:noinline
func many(a, b, c, d, e, f, g, h, i, j int) int {
	atomic.AddInt64(&calls.many, 1)
	return a + b + c + d + e + f + g + h + i + j
}

type point struct {
	x, y int32
}

// mix: a struct split into registers, floats among integers, a bool, an interface.
//
//go:noinline
func mix(tag int8, p point, w float64, name string, ok bool, e error) (string, int32) {
	atomic.AddInt64(&calls.mix, 1)
	if e != nil || !ok {
		return "", 0
	}
	return fmt.Sprintf("%s:%d", name, tag), p.x + p.y + int32(w)
}

//go:noinline
func thrower(n int) int {
	atomic.AddInt64(&calls.thrower, 1)
	if n == 0 {
		panic("boom")
	}
	return thrower(n-1) + 1
}

//go:noinline
func catcher(n int) (r int) {
	atomic.AddInt64(&calls.catcher, 1)
	defer func() {
		if e := recover(); e != nil {
			r = -1
		}
	}()
	return thrower(n)
}

//go:noinline
func worker(id int, n int) int {
	atomic.AddInt64(&calls.worker, 1)
	return fib(n) + id
}

// quitter ends its goroutine from inside a traced call: it never returns.
//
//go:noinline
func quitter(done chan<- int) int {
	atomic.AddInt64(&calls.quitter, 1)
	defer func() { done <- 1 }()
	runtime.Goexit()
	return 0
}

// For scripts/go-bench.sh: work has a stack check (it calls), leaf has none.
//
//go:noinline
func work(x int) int {
	return leaf(x) + 1
}

//go:noinline
func leaf(x int) int {
	return x * 3
}

// bench N: calls work N times, prints the nanoseconds per call.
func bench(n int) {
	t := 0
	start := time.Now()
	for i := 0; i < n; i++ {
		t += work(i)
	}
	el := time.Since(start)
	fmt.Printf("%.1f ns/call (sum %d)\n", float64(el.Nanoseconds())/float64(n), t)
}

func main() {
	rounds := 1
	if len(os.Args) > 2 && os.Args[1] == "bench" {
		n, _ := strconv.Atoi(os.Args[2])
		bench(n)
		return
	}
	if len(os.Args) > 1 {
		rounds, _ = strconv.Atoi(os.Args[1])
	}
	for r := 0; r < rounds; r++ {
		fmt.Println("add", add(3, 4))
		fmt.Println("fib", fib(12))
		s, moved := grow(2000)
		fmt.Println("grow", s, "moved", moved)
		fmt.Println("greet", greet("hello"))
		fmt.Println("stats", fmt.Sprint(stats([]int{1, 2, 3})))
		q, m, err := divmod(17, 5)
		fmt.Println("divmod", q, m, err)
		_, _, err = divmod(1, 0)
		fmt.Println("divmod", err)
		fmt.Println("scale", scale([]int{1, 2, 3}, 10))
		fmt.Println("mean", mean([]float64{1.5, 2.5}))
		fmt.Println("catcher", catcher(3))
		fmt.Println("many", many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
		fmt.Println(mix(7, point{2, 3}, 1.5, "pt", true, nil))

		var wg sync.WaitGroup
		res := make([]int, 4)
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				res[i] = worker(i, 15)
			}(i)
		}
		wg.Wait()
		fmt.Println("workers", res)

		done := make(chan int)
		go quitter(done)
		fmt.Println("quitter", <-done)
	}
	fmt.Printf("calls add=%d fib=%d grow=%d greet=%d stats=%d divmod=%d scale=%d mean=%d "+
		"thrower=%d catcher=%d worker=%d quitter=%d many=%d mix=%d\n", calls.add, calls.fib,
		calls.grow, calls.greet, calls.stats, calls.divmod, calls.scale, calls.mean,
		calls.thrower, calls.catcher, calls.worker, calls.quitter, calls.many, calls.mix)
	os.Exit(3)
}
