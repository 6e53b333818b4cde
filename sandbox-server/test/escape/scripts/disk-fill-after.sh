# After a disk fill: delete the file, then the sandbox must write and run containers again.
rm -f /root/drydock-fill
echo written >/root/drydock-after && [ "$(cat /root/drydock-after)" = written ] && control "write-after ok" || control "write-after FAILED"
rm -f /root/drydock-after
v=$(docker info --format '{{.ServerVersion}}' 2>&1) && control "engine-after ok ($v)" || control "engine-after FAILED $v"
