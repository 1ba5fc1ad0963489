// How a sync lag or a stall reads in a message: "45 s", "1 min 35 s", "17 min", "2 h 5 min",
// "3 d 4 h". Two units at most and always rounded down, so a message never overstates a lag.

export function formatAge(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (whole < 600) return whole % 60 === 0 ? `${minutes} min` : `${minutes} min ${whole % 60} s`;
  if (whole < 3600) return `${minutes} min`;
  const hours = Math.floor(whole / 3600);
  if (whole < 86_400) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(whole / 86_400);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}
