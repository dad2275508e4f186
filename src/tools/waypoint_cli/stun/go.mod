module gortc.io/stun

go 1.19
