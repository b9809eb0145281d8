module featurejob.io/pause

go 1.22
