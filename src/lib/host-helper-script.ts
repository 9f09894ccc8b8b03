// The host helper's program (host-helper.ts says why it is Perl and what it is for).
//
// spawn: the request's child forks the program with stdin and stdout on /dev/null, stderr and
// fd 3 on pipes, in a new session, waits for that first process to exit (a monitor forks and
// detaches) and answers with its exit code, the first line it wrote on fd 3 and, if it failed,
// what it wrote on stderr. Each answer is one write under PIPE_BUF, so lines never interleave.
//
// exec: what child_process.execFile does, but the fork happens here, off berthd's event loop.
// The request's child runs the program with stdin, stdout and stderr on anonymous temporary
// files (no pipe to drain while waiting, so no deadlock whatever the sizes), waits for it
// (SIGKILL after the timeout, if one is given), then answers with the output in lines of at most
// 1800 bytes (`o` stdout, `e` stderr; one write each, under PIPE_BUF, so the lines of parallel
// requests interleave only whole) and a last `exit <code> <signal>`. A program that cannot be
// started (not found, a bad cwd) answers `err <errno>` instead, like spawn's error event: a
// close-on-exec pipe carries the errno of the failed chdir or exec back.
export const SCRIPT = String.raw`
use strict; use warnings; use POSIX ();
$SIG{CHLD} = 'IGNORE';
my ($SYS_mount, $SYS_umount2) = @ARGV;
sub reply { syswrite(STDOUT, join(' ', @_) . "\n") }
sub tohex { unpack('H*', $_[0]) }
sub failed { reply($_[0], 'err', $!+0, tohex($_[1] . ": $!")) }
sub chunks { my ($id, $kind, $data) = @_; for (my $i = 0; $i < length($data); $i += 1800) { reply($id, $kind, tohex(substr($data, $i, 1800))) } }
sub slurp { my ($fh) = @_; sysseek($fh, 0, 0); my $all = ''; while (sysread($fh, my $buf, 65536)) { $all .= $buf } return $all }
sub run_exec {
  my ($id, $cwd, $env, $argv, $input, $timeout) = @_;
  my @files;
  for (1 .. 3) { open(my $fh, '+>', undef) or return failed($id, 'temporary file'); push @files, $fh }
  syswrite($files[0], $input); sysseek($files[0], 0, 0);
  pipe(my $xr, my $xw) or return failed($id, 'pipe');
  my @args = split(/\0/, $argv, -1);
  my $child = fork();
  return failed($id, 'fork') if !defined $child;
  if ($child == 0) {
    close $xr;
    POSIX::dup2(fileno($files[$_]), $_) for 0 .. 2;
    if ($cwd ne '' && !chdir($cwd)) { syswrite($xw, ($!+0) . " chdir $cwd: $!"); POSIX::_exit(127) }
    %ENV = map { split(/=/, $_, 2) } grep { $_ ne '' } split(/\0/, $env);
    { no warnings; exec { $args[0] } @args; }
    syswrite($xw, ($!+0) . " $args[0]: $!");
    POSIX::_exit(127);
  }
  close $xw;
  local $SIG{ALRM} = sub { kill('KILL', $child) };
  alarm($timeout) if $timeout > 0;
  my $why = ''; while (sysread($xr, my $buf, 4096)) { $why .= $buf }
  waitpid($child, 0);
  my $status = $?;
  alarm(0);
  if ($why =~ /^(\d+) (.*)$/s) { return reply($id, 'err', $1, tohex($2)) }
  chunks($id, 'o', slurp($files[1]));
  chunks($id, 'e', slurp($files[2]));
  reply($id, 'exit', ($status & 127) ? -1 : $status >> 8, $status & 127);
}
while (my $line = <STDIN>) {
  chomp $line;
  my ($id, $op, @f) = split / /, $line, -1;
  my @a = map { pack('H*', $_) } @f;
  if ($op eq 'mount') {
    my ($cwd, $src, $target, $type, $flags, $data) = @a;
    if ($cwd ne '' && !chdir($cwd)) { failed($id, "chdir $cwd"); next; }
    my $r = syscall($SYS_mount + 0, $src, $target, $type, $flags + 0, $data);
    my ($errno, $text) = ($!+0, "$!");
    chdir('/');
    if ($r == 0) { reply($id, 'ok') } else { reply($id, 'err', $errno, tohex("mount: $text")) }
  } elsif ($op eq 'umount') {
    my ($target, $flags) = @a;
    if (syscall($SYS_umount2 + 0, $target, $flags + 0) == 0) { reply($id, 'ok') } else { failed($id, 'umount') }
  } elsif ($op eq 'spawn') {
    my ($cwd, $env, $argv) = @a;
    my $pid = fork();
    if (!defined $pid) { failed($id, 'fork'); next; }
    next if $pid;
    $SIG{CHLD} = 'DEFAULT';
    open(STDIN, '<', '/dev/null');
    open(my $hold3, '<', '/dev/null'); # fd 3 taken, so the pipes land above it
    pipe(my $sr, my $sw) or do { failed($id, 'pipe'); POSIX::_exit(0) };
    pipe(my $er, my $ew) or do { failed($id, 'pipe'); POSIX::_exit(0) };
    my $child = fork();
    if (!defined $child) { failed($id, 'fork'); POSIX::_exit(0) }
    if ($child == 0) {
      POSIX::setsid();
      open(STDOUT, '>', '/dev/null');
      POSIX::dup2(fileno($ew), 2);
      POSIX::dup2(fileno($sw), 3);
      if (!chdir($cwd)) { print STDERR "chdir $cwd: $!\n"; POSIX::_exit(127) }
      %ENV = map { split(/=/, $_, 2) } grep { $_ ne '' } split(/\0/, $env);
      my @args = split(/\0/, $argv, -1); # -1: an empty last argument is an argument
      exec { $args[0] } @args;
      print STDERR "exec $args[0]: $!\n";
      POSIX::_exit(127);
    }
    close $sw; close $ew; close $hold3;
    waitpid($child, 0);
    my $code = ($? & 127) ? 128 + ($? & 127) : $? >> 8;
    my $sync = '';
    while (index($sync, "\n") < 0) { my $n = sysread($sr, my $buf, 4096); last unless $n; $sync .= $buf; }
    $sync = substr($sync, 0, index($sync, "\n") + 1) if index($sync, "\n") >= 0;
    my $err = '';
    if ($code != 0 || index($sync, "\n") < 0) {
      eval { local $SIG{ALRM} = sub { die "timeout\n" }; alarm 2; while (sysread($er, my $buf, 4096)) { $err .= $buf } alarm 0; };
    }
    reply($id, 'done', $code, tohex(substr($sync, 0, 900)), tohex(substr($err, -900)));
    POSIX::_exit(0);
  } elsif ($op eq 'exec') {
    my $pid = fork();
    if (!defined $pid) { failed($id, 'fork'); next; }
    next if $pid;
    $SIG{CHLD} = 'DEFAULT';
    run_exec($id, @a);
    POSIX::_exit(0);
  } else {
    reply($id, 'err', 22, tohex("unknown request $op"));
  }
}
`;
