module rtrace/gotarget

go 1.19
