Gleichzeitig nahm die Legion an der Befriedung Algeriens teil , die von verschiedenen Stammesaufständen und Rasias heimgesucht wurde .
Er beginnt auch eine Affäre mit Veronica Harrington , die ihn rettet .
Die urbane Morphologie dieser beiden lokalen Wasserscheiden tendiert dazu , sie unaufhaltsam zusammenzubringen .
Wichtige Funde waren eine Bronzeaxt in Wellwood und eine goldene Torke vom Kirchhof der Pfarrei .
Früher hatten Engländer vor allem dunkle Stout und Portier Bier getrunken , aber blasse Ale kam zu dominieren .
Obwohl er sie liebt , weigert er sich , sie zu heiraten , was Erica wütend macht .
