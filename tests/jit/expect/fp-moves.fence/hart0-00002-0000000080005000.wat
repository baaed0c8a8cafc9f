;; hart 0, translation 2: the page at 0x80005000 (frame 5)
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
    (local $d0 f64)
    (local $d1 f64)
    (local $d2 f64)
    (local $d3 f64)
    (local $d4 f64)
    (local $d5 f64)
    (local $d6 f64)
    (local $d7 f64)
    (local $d8 f64)
    (local $d9 f64)
    (local $d10 f64)
    (local $d11 f64)
    (local $d12 f64)
    (local $d13 f64)
    (local $d14 f64)
    (local $d15 f64)
    (local $ft0 f64)
    (local $ft1 f64)
    (local $ft2 f64)
    (local $ft3 f64)
    (local $ft4 f64)
    (local $ft5 f64)
    (local $ft6 f64)
    (local $ft7 f64)
    (local $fs0 f64)
    (local $fs1 f64)
    (local $fa0 f64)
    (local $fa1 f64)
    (local $fa2 f64)
    (local $fa3 f64)
    (local $fa4 f64)
    (local $fa5 f64)
    (local $fa6 f64)
    (local $fa7 f64)
    (local $fs2 f64)
    (local $fs3 f64)
    (local $fs4 f64)
    (local $fs5 f64)
    (local $fs6 f64)
    (local $fs7 f64)
    (local $fs8 f64)
    (local $fs9 f64)
    (local $fs10 f64)
    (local $fs11 f64)
    (local $ft8 f64)
    (local $ft9 f64)
    (local $ft10 f64)
    (local $ft11 f64)
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
    i64.load offset=48
    local.set $t1
    local.get $slot
    i64.load offset=56
    local.set $t2
    local.get $slot
    i64.load offset=64
    local.set $s0
    local.get $slot
    i64.load offset=72
    local.set $s1
    local.get $slot
    i64.load offset=88
    local.set $a1
    local.get $slot
    f64.load offset=352
    local.set $fa0
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
              block
                block
                  block
                    block
                      local.get $off
                      i32.const 52
                      i32.lt_u
                      if
                        local.get $off
                        i32.const 0
                        i32.eq
                        br_if 2
                        local.get $off
                        i32.const 36
                        i32.eq
                        br_if 3
                        local.get $off
                        i32.const 40
                        i32.eq
                        br_if 4
                      else
                        local.get $off
                        i32.const 52
                        i32.eq
                        br_if 5
                        local.get $off
                        i32.const 60
                        i32.eq
                        br_if 6
                        local.get $off
                        i32.const 68
                        i32.eq
                        br_if 7
                      end
                    end
                    local.get $page
                    local.get $off
                    i64.extend_i32_u
                    i64.add
                    local.set $t
                    i32.const 4
                    local.set $exit
                    br 7
                  end
                  loop
                    ;; 80005000: addi a1,a1,1
                    local.get $left
                    i32.const 4
                    i32.sub
                    local.set $left
                    local.get $a1
                    i64.const 1
                    i64.add
                    local.set $a1
                    ;; 80005004: fld fa0,0(s0)
                    local.get $slot
                    i32.load offset=1056
                    i32.eqz
                    if
                      local.get $left
                      i32.const 3
                      i32.add
                      local.set $left
                      local.get $page
                      i64.const 4
                      i64.add
                      local.set $t
                      i32.const 2
                      local.set $exit
                      br 8
                    end
                    local.get $s0
                    local.set $a
                    local.get $a
                    i32.wrap_i64
                    local.tee $vl
                    i32.const 8
                    i32.shr_u
                    i32.const 262128
                    i32.and
                    local.tee $j
                    i64.load offset=134221824
                    local.get $a
                    i64.const -4089
                    i64.and
                    local.get $genKey64
                    i64.xor
                    i64.eq
                    if (result i64)
                      local.get $hits
                      i32.const 1
                      i32.add
                      local.set $hits
                      local.get $j
                      i32.load offset=134221832
                      local.get $vl
                      i32.const 4095
                      i32.and
                      i32.add
                      i64.load align=1
                    else
                      local.get $vl
                      local.get $a
                      i64.const 32
                      i64.shr_u
                      i32.wrap_i64
                      i32.const 4
                      local.get $left
                      i32.const 3
                      i32.add
                      call 10
                      if
                        local.get $left
                        i32.const 3
                        i32.add
                        local.set $left
                        local.get $page
                        i64.const 4
                        i64.add
                        local.set $t
                        i32.const 6
                        local.set $exit
                        br 9
                      end
                    end
                    f64.reinterpret_i64
                    local.set $fa0
                    local.get $slot
                    i32.const 1
                    i32.store offset=1060
                    ;; 80005008: addi t0,t0,-1
                    local.get $t0
                    i64.const -1
                    i64.add
                    local.set $t0
                    ;; 8000500c: bne t0,zero,0x80005000
                    local.get $t0
                    i64.const 0
                    i64.ne
                    if
                      i32.const 0
                      local.set $off
                      local.get $left
                      i32.const 64
                      i32.ge_s
                      br_if 1
                      br 7
                    end
                    local.get $page
                    i64.const 16
                    i64.add
                    local.set $t
                    i32.const 0
                    local.set $exit
                    br 7
                  end
                end
                ;; 80005024: csrrs t1,mcause,zero  (left to the interpreter)
                local.get $page
                i64.const 36
                i64.add
                local.set $t
                i32.const 2
                local.set $exit
                br 5
              end
              ;; 80005028: addi t2,zero,2
              local.get $left
              i32.const 2
              i32.sub
              local.set $left
              i64.const 0
              i64.const 2
              i64.add
              local.set $t2
              ;; 8000502c: beq t1,t2,0x80005034
              local.get $t1
              local.get $t2
              i64.eq
              if
                i32.const 52
                local.set $off
                local.get $left
                i32.const 64
                i32.ge_s
                br_if 1
                br 4
              end
              local.get $page
              i64.const 48
              i64.add
              local.set $t
              i32.const 0
              local.set $exit
              br 4
            end
            ;; 80005034: addi s1,s1,1
            local.get $left
            i32.const 1
            i32.sub
            local.set $left
            local.get $s1
            i64.const 1
            i64.add
            local.set $s1
            ;; 80005038: csrrs t1,mepc,zero  (left to the interpreter)
            local.get $page
            i64.const 56
            i64.add
            local.set $t
            i32.const 2
            local.set $exit
            br 3
          end
          ;; 8000503c: addi t1,t1,4
          local.get $left
          i32.const 1
          i32.sub
          local.set $left
          local.get $t1
          i64.const 4
          i64.add
          local.set $t1
          ;; 80005040: csrrw zero,mepc,t1  (left to the interpreter)
          local.get $page
          i64.const 64
          i64.add
          local.set $t
          i32.const 2
          local.set $exit
          br 2
        end
        ;; 80005044: mret  (left to the interpreter)
        local.get $page
        i64.const 68
        i64.add
        local.set $t
        i32.const 2
        local.set $exit
        br 1
      end
      unreachable
    end
    local.get $slot
    local.get $t0
    i64.store offset=40
    local.get $slot
    local.get $t1
    i64.store offset=48
    local.get $slot
    local.get $t2
    i64.store offset=56
    local.get $slot
    local.get $s1
    i64.store offset=72
    local.get $slot
    local.get $a1
    i64.store offset=88
    local.get $slot
    local.get $fa0
    f64.store offset=352
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
