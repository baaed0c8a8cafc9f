;; hart 0, translation 1: the page at 0x80003000 (frame 3)
(module
  (type (;0;) (func (param i32) (param i32) (param i32) (param i32) (param i32) (result i32)))
  (type (;1;) (func (param i32) (param i32) (param i32) (param i32) (param i32) (result i32)))
  (type (;2;) (func (param i32) (param i32) (param i32) (param i32) (param i32) (param i32) (param i32) (result i32)))
  (type (;3;) (func (param i32) (param i32) (param i32) (param i32) (result i64 i32)))
  (type (;4;) (func (param i32) (param i32) (param i64) (param i32) (param i32) (result i32)))
  (type (;5;) (func (param i32) (param i32) (result i32)))
  (import "f" "load" (func (;0;) (type 1)))
  (import "f" "store" (func (;1;) (type 2)))
  (import "f" "fp" (func (;2;) (type 5)))
  (import "m" "memory" (memory (;0;) 2061 2061 shared))
  (func (;3;) (export "run") (type 0) (param $off i32) (param $left i32) (param $genKey i32) (param $pageLo i32) (param $pageHi i32) (result i32)
    (local $vh i32)
    (local $w i32)
    (local $slot i32)
    (local $exit i32)
    (local $vl i32)
    (local $j i32)
    (local $hits i32)
    (local $page i64)
    (local $a i64)
    (local $b i64)
    (local $t i64)
    (local $u i64)
    (local $v i64)
    (local $genKey64 i64)
    (local $ra i64)
    (local $sp i64)
    (local $gp i64)
    (local $tp i64)
    (local $t0 i64)
    (local $t1 i64)
    (local $t2 i64)
    (local $s0 i64)
    (local $s1 i64)
    (local $a0 i64)
    (local $a1 i64)
    (local $a2 i64)
    (local $a3 i64)
    (local $a4 i64)
    (local $a5 i64)
    (local $a6 i64)
    (local $a7 i64)
    (local $s2 i64)
    (local $s3 i64)
    (local $s4 i64)
    (local $s5 i64)
    (local $s6 i64)
    (local $s7 i64)
    (local $s8 i64)
    (local $s9 i64)
    (local $s10 i64)
    (local $s11 i64)
    (local $t3 i64)
    (local $t4 i64)
    (local $t5 i64)
    (local $t6 i64)
    local.get $pageLo
    i64.extend_i32_u
    local.get $pageHi
    i64.extend_i32_u
    i64.const 32
    i64.shl
    i64.or
    local.set $page
    local.get $genKey
    i64.extend_i32_u
    local.set $genKey64
    i32.const 134217728
    local.set $slot
    local.get $slot
    i64.load offset=40
    local.set $t0
    local.get $slot
    i64.load offset=80
    local.set $a0
    local.get $slot
    i64.load offset=88
    local.set $a1
    local.get $slot
    i64.load offset=96
    local.set $a2
    local.get $slot
    i64.load offset=104
    local.set $a3
    local.get $slot
    i64.load offset=112
    local.set $a4
    local.get $slot
    i64.load offset=120
    local.set $a5
    local.get $slot
    i64.load offset=128
    local.set $a6
    local.get $slot
    i64.load offset=136
    local.set $a7
    block
      loop
        local.get $left
        i32.const 64
        i32.lt_s
        if
          local.get $page
          local.get $off
          i64.extend_i32_u
          i64.add
          local.set $t
          i32.const 1
          local.set $exit
          br 2
        end
        block
          block
            block
              local.get $off
              i32.const 0
              i32.eq
              br_if 1
              local.get $off
              i32.const 36
              i32.eq
              br_if 2
            end
            local.get $page
            local.get $off
            i64.extend_i32_u
            i64.add
            local.set $t
            i32.const 4
            local.set $exit
            br 3
          end
          ;; 80003000: add a0,a0,a1
          local.get $left
          i32.const 9
          i32.sub
          local.set $left
          local.get $a0
          local.get $a1
          i64.add
          local.set $a0
          ;; 80003004: slli a2,a1,0x3
          local.get $a1
          i64.const 3
          i64.shl
          local.set $a2
          ;; 80003008: xor a0,a0,a2
          local.get $a0
          local.get $a2
          i64.xor
          local.set $a0
          ;; 8000300c: mulw a3,a1,a1
          local.get $a1
          i32.wrap_i64
          local.get $a1
          i32.wrap_i64
          i32.mul
          i64.extend_i32_s
          local.set $a3
          ;; 80003010: sub a0,a0,a3
          local.get $a0
          local.get $a3
          i64.sub
          local.set $a0
          ;; 80003014: andi a4,a1,1
          local.get $a1
          i64.const 1
          i64.and
          local.set $a4
          ;; 80003018: beq a4,zero,0x80003024
          local.get $a4
          i64.const 0
          i64.eq
          if
            local.get $left
            i32.const 2
            i32.add
            local.set $left
            i32.const 36
            local.set $off
            local.get $left
            i32.const 64
            i32.ge_s
            br_if 1
            br 2
          end
          ;; 8000301c: srai a5,a0,0x5
          local.get $a0
          i64.const 5
          i64.shr_s
          local.set $a5
          ;; 80003020: add a0,a0,a5
          local.get $a0
          local.get $a5
          i64.add
          local.set $a0
        end
        ;; 80003024: addi a6,zero,7
        local.get $left
        i32.const 8
        i32.sub
        local.set $left
        i64.const 0
        i64.const 7
        i64.add
        local.set $a6
        ;; 80003028: remu a7,a1,a6
        local.get $a1
        local.set $a
        local.get $a6
        local.set $b
        local.get $b
        i64.eqz
        if (result i64)
          local.get $a
        else
          local.get $a
          local.get $b
          i64.rem_u
        end
        local.set $a7
        ;; 8000302c: add a0,a0,a7
        local.get $a0
        local.get $a7
        i64.add
        local.set $a0
        ;; 80003030: sltu a4,a0,a1
        local.get $a0
        local.get $a1
        i64.lt_u
        i64.extend_i32_u
        local.set $a4
        ;; 80003034: add a0,a0,a4
        local.get $a0
        local.get $a4
        i64.add
        local.set $a0
        ;; 80003038: addi a1,a1,1
        local.get $a1
        i64.const 1
        i64.add
        local.set $a1
        ;; 8000303c: addi t0,t0,-1
        local.get $t0
        i64.const -1
        i64.add
        local.set $t0
        ;; 80003040: bne t0,zero,0x80003000
        local.get $t0
        i64.const 0
        i64.ne
        if
          i32.const 0
          local.set $off
          br 1
        end
        local.get $page
        i64.const 68
        i64.add
        local.set $t
        i32.const 0
        local.set $exit
        br 1
      end
      unreachable
    end
    local.get $slot
    local.get $t0
    i64.store offset=40
    local.get $slot
    local.get $a0
    i64.store offset=80
    local.get $slot
    local.get $a1
    i64.store offset=88
    local.get $slot
    local.get $a2
    i64.store offset=96
    local.get $slot
    local.get $a3
    i64.store offset=104
    local.get $slot
    local.get $a4
    i64.store offset=112
    local.get $slot
    local.get $a5
    i64.store offset=120
    local.get $slot
    local.get $a6
    i64.store offset=128
    local.get $slot
    local.get $a7
    i64.store offset=136
    local.get $slot
    local.get $t
    i64.store offset=1024
    local.get $slot
    local.get $left
    i32.store offset=1032
    local.get $slot
    local.get $hits
    i32.store offset=1036
    local.get $exit)
  (func (;4;) (type 3) (param i32) (param i32) (param i32) (param i32) (result i64 i32)
    local.get 0
    local.get 1
    i32.const 1
    local.get 2
    local.get 3
    call 0
    i64.extend_i32_s
    i64.extend8_s
    i32.const 0
    i32.load offset=134218772)
  (func (;5;) (type 3) (param i32) (param i32) (param i32) (param i32) (result i64 i32)
    local.get 0
    local.get 1
    i32.const 1
    local.get 2
    local.get 3
    call 0
    i64.extend_i32_u
    i32.const 0
    i32.load offset=134218772)
  (func (;6;) (type 3) (param i32) (param i32) (param i32) (param i32) (result i64 i32)
    local.get 0
    local.get 1
    i32.const 2
    local.get 2
    local.get 3
    call 0
    i64.extend_i32_s
    i64.extend16_s
    i32.const 0
    i32.load offset=134218772)
  (func (;7;) (type 3) (param i32) (param i32) (param i32) (param i32) (result i64 i32)
    local.get 0
    local.get 1
    i32.const 2
    local.get 2
    local.get 3
    call 0
    i64.extend_i32_u
    i32.const 0
    i32.load offset=134218772)
  (func (;8;) (type 3) (param i32) (param i32) (param i32) (param i32) (result i64 i32)
    local.get 0
    local.get 1
    i32.const 4
    local.get 2
    local.get 3
    call 0
    i64.extend_i32_s
    i32.const 0
    i32.load offset=134218772)
  (func (;9;) (type 3) (param i32) (param i32) (param i32) (param i32) (result i64 i32)
    local.get 0
    local.get 1
    i32.const 4
    local.get 2
    local.get 3
    call 0
    i64.extend_i32_s
    i64.const 4294967295
    i64.and
    i32.const 0
    i32.load offset=134218772)
  (func (;10;) (type 3) (param i32) (param i32) (param i32) (param i32) (result i64 i32)
    local.get 0
    local.get 1
    i32.const 8
    local.get 2
    local.get 3
    call 0
    i64.extend_i32_u
    i32.const 0
    i64.load32_u offset=134218768
    i64.const 32
    i64.shl
    i64.or
    i32.const 0
    i32.load offset=134218772)
  (func (;11;) (type 4) (param i32) (param i32) (param i64) (param i32) (param i32) (result i32)
    local.get 0
    local.get 1
    i32.const 1
    local.get 2
    i32.wrap_i64
    local.get 2
    i64.const 32
    i64.shr_u
    i32.wrap_i64
    local.get 3
    local.get 4
    call 1)
  (func (;12;) (type 4) (param i32) (param i32) (param i64) (param i32) (param i32) (result i32)
    local.get 0
    local.get 1
    i32.const 2
    local.get 2
    i32.wrap_i64
    local.get 2
    i64.const 32
    i64.shr_u
    i32.wrap_i64
    local.get 3
    local.get 4
    call 1)
  (func (;13;) (type 4) (param i32) (param i32) (param i64) (param i32) (param i32) (result i32)
    local.get 0
    local.get 1
    i32.const 4
    local.get 2
    i32.wrap_i64
    local.get 2
    i64.const 32
    i64.shr_u
    i32.wrap_i64
    local.get 3
    local.get 4
    call 1)
  (func (;14;) (type 4) (param i32) (param i32) (param i64) (param i32) (param i32) (result i32)
    local.get 0
    local.get 1
    i32.const 8
    local.get 2
    i32.wrap_i64
    local.get 2
    i64.const 32
    i64.shr_u
    i32.wrap_i64
    local.get 3
    local.get 4
    call 1)
)
