module kubelet-doctor/catalogue-extract

go 1.21
